// Alarms and dashboards from cdk-monitoring-constructs: one facade per stack, its alarms to the stage's
// topic (kaiku-<stage>-alarms, found by its name), its dashboard named after the stack. The functions below
// are the only way the stacks add monitoring, so every function and every queue gets the same alarms
// (test/infra/monitoring.test.ts checks that none is missing).
import { Duration, type Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { alarmTopicArn, type KaikuStage, namesOf } from '../stage.ts';

export interface KaikuMonitoring {
  readonly facade: MonitoringFacade;
  readonly topic: ITopic;
}

/** The stack's facade; the data stack passes the topic it owns, the others find it by name. */
export function kaikuMonitoring(
  stack: Stack,
  stage: KaikuStage,
  part: string,
  topic: ITopic = Topic.fromTopicArn(stack, 'AlarmTopicByName', alarmTopicArn(stack, stage)),
): KaikuMonitoring {
  const names = namesOf(stage);
  const facade = new MonitoringFacade(stack, 'Monitoring', {
    alarmFactoryDefaults: {
      alarmNamePrefix: `${names.alarmPrefix}-${part.toLowerCase()}`,
      actionsEnabled: true,
      action: new SnsAlarmActionStrategy({ onAlarmTopic: topic }),
      datapointsToAlarm: 1,
      evaluationPeriods: 1,
    },
    metricFactoryDefaults: { period: Duration.minutes(5) },
    dashboardFactory: new DefaultDashboardFactory(stack, 'Dashboards', {
      dashboardNamePrefix: names.dashboard(part),
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    }),
  });
  return { facade, topic };
}

/**
 * Errors (any failed invocation) and throttles (any) of one function; a stream consumer adds its iterator
 * age. Named by the function's construct path, which names the handler.
 */
export function monitorFunction(
  monitoring: KaikuMonitoring,
  fn: IFunction,
  name: string,
  options: { streamIteratorAgeMinutes?: number } = {},
): void {
  monitoring.facade.monitorLambdaFunction({
    lambdaFunction: fn,
    alarmFriendlyName: name,
    humanReadableName: name,
    addFaultCountAlarm: { Errors: { maxErrorCount: 0 } },
    addThrottlesCountAlarm: { Throttles: { maxErrorCount: 0 } },
    ...(options.streamIteratorAgeMinutes !== undefined && {
      addMaxIteratorAgeAlarm: {
        IteratorAge: { maxAgeInMillis: options.streamIteratorAgeMinutes * 60_000 },
      },
    }),
  });
}

/** A dead-letter or failure queue: any message in it is an alarm. */
export function monitorFailureQueue(monitoring: KaikuMonitoring, queue: IQueue, name: string): void {
  monitoring.facade.monitorSqsQueue({
    queue,
    alarmFriendlyName: name,
    humanReadableName: name,
    addQueueMaxSizeAlarm: { NotEmpty: { maxMessageCount: 0 } },
  });
}
