import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

// One JSON object per request. Strings are quoted; status and latency are left bare so that Logs Insights
// reads them as numbers (HTTP API always fills both, unlike integrationLatency, which can be "-").
const fields: Record<string, string> = {
  requestId: '"$context.requestId"',
  requestTime: '"$context.requestTime"',
  ip: '"$context.identity.sourceIp"',
  routeKey: '"$context.routeKey"',
  // Who called: what the authorizer put in its context (never the key itself).
  orgId: '"$context.authorizer.orgId"',
  keyId: '"$context.authorizer.keyId"',
  role: '"$context.authorizer.role"',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '"$context.integrationLatency"',
  authorizerError: '"$context.authorizer.error"',
  integrationError: '"$context.integrationErrorMessage"',
  // The gateway's own refusals (throttled, unauthorised, not found) say why here.
  errorMessage: '"$context.error.message"',
  errorType: '"$context.error.responseType"',
};

export const jsonAccessLogFormat = AccessLogFormat.custom(
  `{${Object.entries(fields)
    .map(([name, value]) => `"${name}":${value}`)
    .join(',')}}`,
);
