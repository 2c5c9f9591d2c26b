import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { BackupVault } from 'aws-cdk-lib/aws-backup';
import type { Construct } from 'constructs';
import { type KaikuStage, namesOf } from './stage.ts';

export interface BackupCopyStackProps extends StackProps {
  readonly stage: KaikuStage;
}

/**
 * The vault in the second region that the data stack's backup plan copies each daily backup to (prod).
 * Found by its name (kaiku-<stage>-copy), like everything else; deployed before the data stack.
 */
export class BackupCopyStack extends Stack {
  readonly vault: BackupVault;

  constructor(scope: Construct, id: string, props: BackupCopyStackProps) {
    super(scope, id, props);
    this.vault = new BackupVault(this, 'CopyVault', {
      backupVaultName: namesOf(props.stage).backupCopyVault,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, 'BackupCopyVaultName', { value: this.vault.backupVaultName });
  }
}
