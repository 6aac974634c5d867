// A real OpenID Connect provider (oidc-provider) on a free loopback port, for the local chat's sign-in tests.
// It prints "listening PORT", reads one JSON line on stdin naming the client to register
// ({"clientId","clientSecret","redirectUri","postLogoutRedirectUri"}), then prints "ready".
// Anyone may sign in with any password (oidc-provider's development login page): the login is the email,
// verified unless it starts with "unverified.".
import http from 'node:http';
import readline from 'node:readline';
import Provider from 'oidc-provider';

const server = http.createServer((req, res) => {
  res.statusCode = 503;
  res.end('not ready');
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`listening ${port}`);
  const lines = readline.createInterface({ input: process.stdin });
  lines.once('line', (line) => {
    const client = JSON.parse(line);
    const provider = new Provider(`http://127.0.0.1:${port}`, {
      clients: [{
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [client.redirectUri],
        post_logout_redirect_uris: [client.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      }],
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      findAccount: (ctx, id) => ({
        accountId: id,
        claims: () => ({ sub: id, email: id, email_verified: !id.startsWith('unverified.') }),
      }),
      features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
      cookies: { keys: ['successbot-test-only'] },
    });
    server.removeAllListeners('request');
    server.on('request', provider.callback());
    console.log('ready');
  });
  // The test ends the provider by closing stdin (or by killing it).
  process.stdin.on('end', () => process.exit(0));
});
