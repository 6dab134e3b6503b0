// Which address of this machine the other workers can reach. The host name may resolve to 127.0.1.1
// (Debian's /etc/hosts), which no other machine can reach, so the address is found from the route to
// the master: a UDP socket "connected" to it sends nothing but learns the local address it would use.
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';

const isLoopback = (host: string): boolean => host === 'localhost' || host.startsWith('127.') || host === '::1';

/** The address Gloo binds to: `given` (--dist-address), loopback for a local master, or the route's. */
export async function bindAddress(masterAddr: string, masterPort: number, given?: string): Promise<string> {
  if (given !== undefined && given !== '') return given;
  if (isLoopback(masterAddr)) return '127.0.0.1';
  const socket = createSocket(isIP(masterAddr) === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(masterPort, masterAddr, () => resolve());
    });
    return socket.address().address;
  } catch (error) {
    throw new Error(`cannot find a route to the master ${masterAddr}:${masterPort} (${(error as Error).message}); check MASTER_ADDR / --master-addr, or give this machine's address with --dist-address`);
  } finally {
    socket.close();
  }
}
