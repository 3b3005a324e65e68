// Stake 2.0 through TronWeb's local transaction builder: freezeBalanceV2, delegateResource,
// undelegateResource, unfreezeBalanceV2, vote, each signed with trx.sign and broadcast with
// sendRawTransaction; then getAccount / getAccountResources / getReward.
// Argument: {"url", "privateKey", "receiver" (base58, existing), "witness" (base58)}
import { Steps, client, input, mine } from './lib.mjs';

const args = input();
const tronWeb = client(args.url, args.privateKey);
const owner = tronWeb.defaultAddress.base58;
const steps = new Steps();
const TRX = 1_000_000;

async function submit(name, build) {
  await steps.run(name, async () => {
    const tx = await build();
    const signed = await tronWeb.trx.sign(tx);
    const result = await tronWeb.trx.sendRawTransaction(signed);
    await mine(args.url);
    const info = await tronWeb.trx.getTransactionInfo(result.txid);
    return { result: result.result ?? false, code: result.code, info };
  });
}

const builder = tronWeb.transactionBuilder;
await submit('freeze', () => builder.freezeBalanceV2(100 * TRX, 'ENERGY', owner));
await submit('freezeBandwidth', () => builder.freezeBalanceV2(10 * TRX, 'BANDWIDTH', owner));
await steps.run('resourcesAfterFreeze', () => tronWeb.trx.getAccountResources(owner));
await submit('delegate', () =>
  builder.delegateResource(40 * TRX, args.receiver, 'ENERGY', owner, false),
);
await steps.run('receiverResources', () => tronWeb.trx.getAccountResources(args.receiver));
await submit('undelegate', () =>
  builder.undelegateResource(40 * TRX, args.receiver, 'ENERGY', owner),
);
await submit('vote', () => builder.vote({ [args.witness]: 50 }, owner));
await submit('unfreeze', () => builder.unfreezeBalanceV2(30 * TRX, 'ENERGY', owner));
await steps.run('account', () => tronWeb.trx.getAccount(owner));
await steps.run('resources', () => tronWeb.trx.getAccountResources(owner));
await steps.run('reward', () => tronWeb.trx.getReward(owner));
// Refused by validation: more than the balance.
await steps.run('freezeTooMuch', async () => {
  const tx = await builder.freezeBalanceV2(10_000_000_000 * TRX, 'ENERGY', owner);
  return tronWeb.trx.sendRawTransaction(await tronWeb.trx.sign(tx));
});
steps.print();
