import { promises as dns } from 'node:dns';
import type { HostResolver } from './public-address.js';

/**
 * The operating system's resolver (`getaddrinfo`, as Python's `socket.getaddrinfo` and Node's own
 * connections use): every address, in the order the system gives them.
 *
 * @example
 * await systemResolver('localhost'); // [{ address: '127.0.0.1', family: 4 }, ...]
 */
export const systemResolver: HostResolver = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};
