// The local user pool's names, like Cognito's (<region>_<id>): one pool, the same in every local runtime,
// so the functions' IAM policies (from the CDK templates) name it without knowing the provider's port.
export const region = 'eu-north-1';
export const userPoolId = `${region}_local`;
