// The web app's security headers, declared once: the local gateway sends them with every file of web/dist,
// and CloudFront's response headers policy (infra/web-stack.ts) with every file from the bucket.
// The app has no inline script or style (Vite writes none; the charts are coloured by the stylesheet), so
// the policy allows files of the app's own origin only; the API is on the same origin, under /v1. The one
// exception is the identity provider people sign in with: the app fetches its discovery document, its
// token endpoint and Cognito's user operations (second factors) from the browser (decision 0021).
export const contentSecurityPolicyFor = (signInOrigins: readonly string[] = []) =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    ["connect-src 'self'", ...signInOrigins].join(' '),
    "manifest-src 'self'",
    "worker-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

/** The policy of a web app served without a sign-in provider (the API's own tests). */
export const contentSecurityPolicy = contentSecurityPolicyFor();

/** Where a browser talks to Cognito: its API (also the issuer's host) and the user pool's domain. */
export const cognitoOrigins = (region: string, domainPrefix: string): string[] => [
  `https://cognito-idp.${region}.amazonaws.com`,
  `https://${domainPrefix}.auth.${region}.amazoncognito.com`,
];

export const referrerPolicy = 'no-referrer';
// The desk reads a card's QR code with the device's camera (the app's own origin only, nobody it frames).
export const permissionsPolicy = 'camera=(self), microphone=(), geolocation=(), payment=(), usb=()';

/** Every file of the web app carries these (HSTS comes from CloudFront, over HTTPS only). */
export const webSecurityHeadersFor = (signInOrigins: readonly string[] = []) =>
  ({
    'content-security-policy': contentSecurityPolicyFor(signInOrigins),
    'x-content-type-options': 'nosniff',
    'referrer-policy': referrerPolicy,
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': permissionsPolicy,
  }) as const;

export const webSecurityHeaders = webSecurityHeadersFor();

/** Content types by file extension, for the files a Vite build writes. */
export const webContentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
