const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = '11434';

/**
 * OLLAMA_HOST as the ollama CLI reads it (envconfig.Host): the scheme defaults to http and the
 * port to 11434, but an explicit http:// or https:// scheme defaults the port to 80 or 443.
 * "0.0.0.0:11434", "localhost" and ":11434" are all valid. Returns a URL without trailing slash.
 */
export function normalizeOllamaHost(value: string | undefined): string {
  const raw = (value ?? '').trim().replace(/^["']|["']$/g, '');
  const schemeAt = raw.indexOf('://');
  let scheme = 'http';
  let rest = raw;
  let defaultPort = DEFAULT_PORT;
  if (schemeAt >= 0) {
    scheme = raw.slice(0, schemeAt).toLowerCase();
    rest = raw.slice(schemeAt + 3);
    if (scheme === 'http') defaultPort = '80';
    else if (scheme === 'https') defaultPort = '443';
  } else if (raw === 'ollama.com') {
    return 'https://ollama.com:443';
  }
  const slash = rest.indexOf('/');
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash).replace(/\/+$/, '') : '';
  let { host, port } = splitHostPort(hostPort);
  if (!host) host = DEFAULT_HOST;
  const portNumber = Number(port);
  if (!port || !Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) {
    port = defaultPort;
  }
  const bracketed = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${bracketed}:${port}${path}`;
}

function splitHostPort(hostPort: string): { host: string; port: string } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    const host = hostPort.slice(1, close < 0 ? undefined : close);
    const after = close < 0 ? '' : hostPort.slice(close + 1);
    return { host, port: after.startsWith(':') ? after.slice(1) : '' };
  }
  const colons = hostPort.split(':').length - 1;
  // A bare IPv6 address has several colons and no port.
  if (colons !== 1) return { host: hostPort, port: '' };
  const at = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, at), port: hostPort.slice(at + 1) };
}
