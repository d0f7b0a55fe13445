import { BlockList, isIP } from 'node:net';

/** Host names of cloud metadata services, refused whatever they resolve to. */
const METADATA_HOSTNAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
]);

/** Cloud metadata addresses outside the link-local ranges. */
const METADATA_ADDRESSES: Array<[string, 'ipv4' | 'ipv6']> = [
  ['100.100.100.200', 'ipv4'], // Alibaba Cloud
  ['168.63.129.16', 'ipv4'], // Azure wire server
  ['192.0.0.192', 'ipv4'], // Oracle Cloud
  ['fd00:ec2::254', 'ipv6'], // AWS IMDS over IPv6
];

function refusedRanges(): BlockList {
  const list = new BlockList();
  list.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, AWS/GCP/Azure IMDS
  list.addSubnet('fe80::', 10, 'ipv6'); // link-local
  list.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network"
  for (const [address, family] of METADATA_ADDRESSES) {
    list.addAddress(address, family);
  }
  return list;
}

/** Why an address is refused: an IPv4-mapped IPv6 address is judged as its IPv4. */
function unmapped(address: string): {
  address: string;
  family: 'ipv4' | 'ipv6';
} {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/** A probe the address policy refuses, with the reason shown on the entity. */
export class RefusedAddressError extends Error {
  readonly name = 'RefusedAddressError';
}

/**
 * Where probes may go. A health endpoint is a request the backend makes for
 * whoever wrote the catalog file, so by default link-local and cloud
 * metadata addresses are refused (whatever host name leads there, checked
 * on the address actually connected to, and on every redirect), and when
 * `health.probes.allowedHosts` is set only those hosts are probed.
 */
export class AddressPolicy {
  private readonly refused = refusedRanges();

  private constructor(private readonly allowedHosts: string[] | undefined) {}

  /** `allowedHosts`: exact names or `*.example.com`; undefined allows every host. */
  static create(options: { allowedHosts?: string[] } = {}): AddressPolicy {
    const hosts = options.allowedHosts
      ?.map(h => h.trim().toLocaleLowerCase('en-US'))
      .filter(Boolean);
    return new AddressPolicy(hosts?.length ? hosts : undefined);
  }

  /** Throws a `RefusedAddressError` when a URL's host may not be probed. */
  checkHost(hostname: string): void {
    const host = hostname.replace(/^\[|\]$/g, '').toLocaleLowerCase('en-US');
    const bare = host.replace(/\.$/, '');
    if (METADATA_HOSTNAMES.has(bare)) {
      throw new RefusedAddressError(
        `${bare} is a cloud metadata service: probes never go there`,
      );
    }
    if (this.allowedHosts && !this.allowedHosts.some(p => matches(p, bare))) {
      throw new RefusedAddressError(
        `${bare} is not in health.probes.allowedHosts`,
      );
    }
    if (isIP(bare)) this.checkAddress(bare);
  }

  /** Throws a `RefusedAddressError` for a link-local or metadata address. */
  checkAddress(address: string): void {
    const { address: a, family } = unmapped(address);
    if (this.refused.check(a, family)) {
      throw new RefusedAddressError(
        `${address} is a link-local or cloud metadata address: probes never go there`,
      );
    }
  }
}

function matches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.endsWith(suffix) && host.length > suffix.length;
  }
  return pattern === host;
}
