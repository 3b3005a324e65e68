// TRX through TronWeb: getCurrentBlock, getBalance, sendTrx, transactionBuilder + trx.sign +
// sendRawTransaction, getTransaction, getTransactionInfo.
// Argument: {"url", "privateKey", "to" (base58), "amount" (SUN)}
import { Steps, client, input, mine } from './lib.mjs';

const args = input();
const tronWeb = client(args.url, args.privateKey);
const from = tronWeb.defaultAddress.base58;
const steps = new Steps();

await steps.run('isConnected', () => tronWeb.isConnected());
await steps.run('currentBlock', async () => {
  const block = await tronWeb.trx.getCurrentBlock();
  return { blockID: block.blockID, number: block.block_header.raw_data.number };
});
await steps.run('balanceBefore', () => tronWeb.trx.getBalance(args.to));

const sent = await steps.run('sendTrx', () => tronWeb.trx.sendTrx(args.to, args.amount));

const signed = await steps.run('sign', async () => {
  // A different amount: TronWeb takes timestamp and expiration from the head block, so the
  // same transfer built twice in one block is the same transaction (DUP_TRANSACTION_ERROR).
  const tx = await tronWeb.transactionBuilder.sendTrx(args.to, args.amount + 1, from);
  return tronWeb.trx.sign(tx);
});
const raw = await steps.run('sendRawTransaction', () => tronWeb.trx.sendRawTransaction(signed));
await steps.run('duplicate', () => tronWeb.trx.sendRawTransaction(signed));

await steps.run('mine', () => mine(args.url));
await steps.run('transaction', () => tronWeb.trx.getTransaction(sent.txid));
await steps.run('infoSendTrx', () => tronWeb.trx.getTransactionInfo(sent.txid));
await steps.run('infoRaw', () => tronWeb.trx.getTransactionInfo(raw.txid));
await steps.run('balanceAfter', () => tronWeb.trx.getBalance(args.to));
await steps.run('account', () => tronWeb.trx.getAccount(args.to));
await steps.run('chainParameters', () => tronWeb.trx.getChainParameters());
steps.print();
