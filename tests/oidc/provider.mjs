// A real OpenID Connect provider (panva/oidc-provider) on loopback, for the sign-in tests.
// Started by the pytest fixture in tests/oidc_provider.py with one argument: a JSON file with
// { "port", "clients": [...], "users": { "<login>": { claims } }, "keys": <private JWKS> }.
// The development log-in form accepts any password for a login that is in "users".
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const users = config.users;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: config.keys,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    // Entra ID puts `groups` in the ID token without a scope of its own; here it comes with
    // the profile scope the app asks for anyway.
    profile: ['name', 'groups'],
  },
  scopes: ['openid', 'email', 'profile'],
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['test-only-cookie-key'] },
  ttl: { Session: 3600, Grant: 3600, Interaction: 600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  conformIdTokenClaims: false, // the ID token carries the granted claims (e-mail, groups)
  async findAccount(ctx, sub) {
    const user = users[sub];
    if (!user) return undefined;
    return { accountId: sub, async claims() { return { sub, ...user }; } };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><title>provider error</title><h1>provider error</h1><pre>${
      Object.entries(out).map(([k, v]) => `${k}: ${String(v).replace(/[<>&]/g, '')}`).join('\n')}</pre>`;
  },
});
provider.proxy = false;

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
