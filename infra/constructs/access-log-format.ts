import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';

// One JSON object per request. Strings are quoted; status and latency are left bare so that Logs Insights
// reads them as numbers (HTTP API always fills both, unlike integrationLatency, which can be "-").
const fields: Record<string, string> = {
  requestId: '"$context.requestId"',
  requestTime: '"$context.requestTime"',
  ip: '"$context.identity.sourceIp"',
  routeKey: '"$context.routeKey"',
  status: '$context.status',
  latency: '$context.responseLatency',
  integrationLatency: '"$context.integrationLatency"',
  authorizerError: '"$context.authorizer.error"',
  integrationError: '"$context.integrationErrorMessage"',
};

export const jsonAccessLogFormat = AccessLogFormat.custom(
  `{${Object.entries(fields)
    .map(([name, value]) => `"${name}":${value}`)
    .join(',')}}`,
);
