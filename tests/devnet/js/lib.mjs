// Shared plumbing for the conformance scripts: read the JSON argument, run named steps,
// print one JSON object. TronWeb itself is used exactly as published (no patches).
import { TronWeb } from 'tronweb';

export function input() {
  return JSON.parse(process.argv[2] ?? '{}');
}

export function client(url, privateKey) {
  return new TronWeb({ fullHost: url, privateKey });
}

// Devnet control API: include pending transactions in a block now.
export async function mine(url, blocks = 1) {
  const response = await fetch(`${url}/devnet/mine`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ blocks }),
  });
  return response.json();
}

// JSON.stringify cannot encode BigInt (TronWeb returns uint256 as BigInt).
function plain(value) {
  return JSON.parse(
    JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
  );
}

export class Steps {
  constructor() {
    this.out = {};
  }

  // Run one step; its value (or its error) lands under `name` in the printed JSON.
  async run(name, fn) {
    try {
      const value = await fn();
      this.out[name] = { ok: true, value: plain(value ?? null) };
      return value;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : plain(error);
      this.out[name] = { ok: false, error: message };
      return undefined;
    }
  }

  print() {
    process.stdout.write(`${JSON.stringify(this.out)}\n`);
  }
}
