/**
 * Server-side request forgery guard: a webhook may only reach public addresses. Checked when an
 * endpoint is created or changed (the URL's host resolved, every answer public) and again at connect
 * time (`guardedLookup`: the address connected to is the one checked, so a DNS answer that changes
 * between the two — rebinding — is refused). `WEBHOOK_ALLOW_PRIVATE=1` lifts the guard (development,
 * tests with a local receiver).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { webhookError } from './webhook.errors.js';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address an IPv6 address carries (IPv4-mapped, IPv4-compatible, NAT64, 6to4), if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted !== null) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex !== null) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lower);
  if (sixToFour !== null) {
    const hi = parseInt(sixToFour[1]!, 16);
    const lo = parseInt(sixToFour[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

/** Whether an IP address is private, loopback, link-local, unique-local, unspecified or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family === 6) {
    const v4 = embeddedIpv4(bare);
    if (v4 !== undefined && isIP(v4) === 4 && blocked.check(v4, 'ipv4')) return true;
    // `::ffff:0:0/96` as a whole, whatever it embeds, never names a public IPv6 host.
    return blocked.check(bare, 'ipv6');
  }
  return true; // not an address at all: never connect to it
}

export interface UrlPolicy {
  /** WEBHOOK_ALLOW_PRIVATE=1: private and local targets are allowed. */
  readonly allowPrivate: boolean;
  /** DNS resolution (injectable for tests); default node:dns lookup with every answer. */
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

const resolveAll = (host: string): Promise<string[]> =>
  new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) =>
      err ? reject(err) : resolve(addresses.map((a) => a.address)),
    );
  });

/** The URL parsed when it is an http(s) URL without credentials; otherwise 422 WEBHOOK_URL_INVALID. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw webhookError('WEBHOOK_URL_INVALID', 'The webhook URL is not a URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw webhookError('WEBHOOK_URL_INVALID', `The webhook URL must use http or https (got ${url.protocol}).`);
  }
  if (url.username !== '' || url.password !== '') throw webhookError('WEBHOOK_URL_INVALID', 'The webhook URL must not carry credentials.');
  return url;
}

/** Refuses (422) a URL that is not http(s), or whose host is or resolves to a non-public address. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<URL> {
  const url = parseWebhookUrl(raw);
  if (policy.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = await (policy.resolve ?? resolveAll)(host);
    } catch {
      throw webhookError('WEBHOOK_URL_UNRESOLVABLE', `The host ${host} does not resolve.`);
    }
    if (addresses.length === 0) throw webhookError('WEBHOOK_URL_UNRESOLVABLE', `The host ${host} does not resolve.`);
  }
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined) {
    throw webhookError('WEBHOOK_URL_PRIVATE', `The host ${host} is or resolves to a non-public address.`, { address: bad });
  }
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http(s) that resolves the host itself and hands the socket only public
 * addresses (the original name stays the Host header and the TLS server name).
 */
export function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, options.all === true ? [] : '');
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad !== undefined || addresses.length === 0) {
      const refused: NodeJS.ErrnoException = new Error(`refused: ${hostname} resolves to a non-public address ${bad?.address ?? ''}`);
      refused.code = 'WEBHOOK_URL_PRIVATE';
      return callback(refused, options.all === true ? [] : '');
    }
    if (options.all === true) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
