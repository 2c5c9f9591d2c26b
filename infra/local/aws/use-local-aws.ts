// Points a process (a script, a test, npm start itself) at the local account's endpoints.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { forgetDocumentClient } from '../../../shared/store/client.ts';
import type { Credentials } from './account.ts';

/** Points this process's AWS SDK clients at the local endpoints, as the operator (or given credentials). */
export function useLocalAws(
  dynamoEndpoint: string,
  s3Endpoint: string,
  tableName: string,
  bucket: string,
  credentials?: Credentials,
): void {
  process.env.AWS_REGION = 'eu-north-1';
  if (credentials) {
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  }
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoEndpoint;
  process.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS = dynamoEndpoint;
  process.env.AWS_ENDPOINT_URL_S3 = s3Endpoint;
  process.env.TABLE_NAME = tableName;
  process.env.STATS_BUCKET = bucket;
  // A client made earlier in this process points at the endpoints and credentials it was made with: a
  // script that starts a second local service after stopping the first (the bench) would still call the
  // first one (ECONNREFUSED), in the new service's own start-up already.
  forgetDocumentClient();
}

export function operatorClient(endpoint: string, credentials: Credentials): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'eu-north-1', credentials });
}
