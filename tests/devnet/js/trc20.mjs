// The devnet token through TronWeb: contract().at, views with .call(), transfer().send(),
// a reverting transfer, getTransactionInfo with the Transfer log.
// Argument: {"url", "privateKey", "token" (base58), "to" (base58), "amount" (base units)}
import { Steps, client, input, mine } from './lib.mjs';

const args = input();
const tronWeb = client(args.url, args.privateKey);
const from = tronWeb.defaultAddress.base58;
const steps = new Steps();

let token;
await steps.run('at', async () => {
  token = await tronWeb.contract().at(args.token);
  return { address: token.address, methods: Object.keys(token.methods ?? {}).sort() };
});
if (token) {
  await steps.run('name', () => token.name().call());
  await steps.run('symbol', () => token.symbol().call());
  await steps.run('decimals', () => token.decimals().call());
  await steps.run('balanceBefore', () => token.balanceOf(args.to).call());
  await steps.run('senderBalance', () => token.balanceOf(from).call());
  const txid = await steps.run('transfer', () =>
    token.transfer(args.to, args.amount).send({ feeLimit: 100_000_000 }),
  );
  const tooMuch = await steps.run('transferTooMuch', () =>
    token.transfer(from, '1000000000000000000000000').send({ feeLimit: 100_000_000 }, args.poorKey),
  );
  await steps.run('mine', () => mine(args.url));
  await steps.run('info', () => tronWeb.trx.getTransactionInfo(txid));
  await steps.run('infoTooMuch', () => tronWeb.trx.getTransactionInfo(tooMuch));
  await steps.run('balanceAfter', () => token.balanceOf(args.to).call());
}
steps.print();
