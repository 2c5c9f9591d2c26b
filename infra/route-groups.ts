// 5xx rate and p99 latency per route group, from the HTTP API's detailed (per-route) metrics. A group is the
// first path segment after /v1 (the administrative resources share one group). A CloudWatch alarm may use at
// most 10 metrics, so a group with more routes than fit is alarmed in parts ("cards 1/2").
import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { type Route, routes } from '../shared/http/routes.ts';
import type { KaikuMonitoring } from './constructs/monitoring.ts';
import type { KaikuStage } from './stage.ts';

const adminSegments = ['areas', 'organisations', 'ticket-agents', 'partners', 'keys', 'people', 'audit'];

/**
 * The group of a route: `cards`, `usages`, `applications`, `admin`, `stats`, `venues` (the public
 * directory), `service` (health, openapi, municipalities, auth, me).
 */
export function routeGroupOf(route: Pick<Route, 'path'>): string {
  const segment = route.path.split('/')[2] ?? '';
  if (adminSegments.includes(segment)) return 'admin';
  if (['health', 'openapi.json', 'municipalities', 'auth', 'me'].includes(segment)) return 'service';
  return segment;
}

/** Alarm thresholds: in percent of requests over 5 minutes (with enough requests), and milliseconds. */
export const routeGroupThresholds = {
  errorRatePercent: 5,
  minRequests: 20,
  p99LatencyMs: 3000,
  periods: 3,
} as const;

const chunk = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** The route groups with their routes, in route-table order. */
export function routeGroups(): Map<string, Route[]> {
  const groups = new Map<string, Route[]>();
  for (const route of routes as readonly Route[]) {
    const group = routeGroupOf(route);
    groups.set(group, [...(groups.get(group) ?? []), route]);
  }
  return groups;
}

export function monitorRouteGroups(monitoring: KaikuMonitoring, apiId: string, _stage: KaikuStage): void {
  const period = Duration.minutes(5);
  const metric = (route: Route, metricName: string, statistic: string) =>
    new Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      statistic,
      period,
      dimensionsMap: { ApiId: apiId, Stage: '$default', Method: route.method, Resource: route.path },
    });
  const { errorRatePercent, minRequests, p99LatencyMs, periods } = routeGroupThresholds;
  const metricGroups = [...routeGroups()].flatMap(([group, groupRoutes]) => {
    // 5xx and Count per route: five routes per alarm; p99 per route: ten.
    const errorParts = chunk(groupRoutes, 5);
    const latencyParts = chunk(groupRoutes, 10);
    const part = (i: number, of: number) => (of > 1 ? ` ${i + 1}/${of}` : '');
    const id = (i: number, of: number) => (of > 1 ? `${i + 1}of${of}` : '');
    // Metric ids are unique across the dashboard widgets that show several of these together.
    const key = group.replace(/[^a-z0-9]/g, '');
    const errorRates = errorParts.map((parts, i) => {
      const usingMetrics: Record<string, Metric> = {};
      parts.forEach((route, j) => {
        usingMetrics[`e_${key}_${i}_${j}`] = metric(route, '5xx', 'Sum');
        usingMetrics[`c_${key}_${i}_${j}`] = metric(route, 'Count', 'Sum');
      });
      const sum = (prefix: string) => parts.map((_, j) => `FILL(${prefix}_${key}_${i}_${j}, 0)`).join(' + ');
      return {
        metric: new MathExpression({
          label: `5xx % ${group}${part(i, errorParts.length)}`,
          expression: `IF((${sum('c')}) >= ${minRequests}, 100 * (${sum('e')}) / (${sum('c')}), 0)`,
          usingMetrics,
          period,
        }),
        alarmFriendlyName: `Route5xxRate-${group}${id(i, errorParts.length)}`,
        addAlarm: {
          Critical: {
            threshold: errorRatePercent,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            treatMissingDataOverride: TreatMissingData.NOT_BREACHING,
            datapointsToAlarm: periods,
            evaluationPeriods: periods,
            additionalDescription: `More than ${errorRatePercent} % of the requests to ${parts.map((r) => `${r.method} ${r.path}`).join(', ')} answered 5xx.`,
          },
        },
      };
    });
    const latencies = latencyParts.map((parts, i) => {
      const usingMetrics = Object.fromEntries(
        parts.map((route, j) => [`l_${key}_${i}_${j}`, metric(route, 'Latency', 'p99')]),
      );
      return {
        metric: new MathExpression({
          label: `p99 latency ${group}${part(i, latencyParts.length)}`,
          expression: `MAX([${parts.map((_, j) => `l_${key}_${i}_${j}`).join(', ')}])`,
          usingMetrics,
          period,
        }),
        alarmFriendlyName: `RouteP99Latency-${group}${id(i, latencyParts.length)}`,
        addAlarm: {
          Critical: {
            threshold: p99LatencyMs,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            treatMissingDataOverride: TreatMissingData.NOT_BREACHING,
            datapointsToAlarm: periods,
            evaluationPeriods: periods,
            additionalDescription: `The p99 latency of a route among ${parts.map((r) => `${r.method} ${r.path}`).join(', ')} is above ${p99LatencyMs} ms.`,
          },
        },
      };
    });
    return [
      { title: `Route group ${group}: 5xx %`, metrics: errorRates },
      { title: `Route group ${group}: p99 latency (ms)`, metrics: latencies },
    ];
  });
  monitoring.facade.monitorCustom({
    alarmFriendlyName: 'RouteGroups',
    humanReadableName: 'API route groups',
    metricGroups,
  });
}

/** Lambda's concurrency in the account near its limit: at 80 % of the limit (cdk.json) for 5 minutes. */
export function monitorAccountConcurrency(monitoring: KaikuMonitoring, stage: KaikuStage): void {
  const limit = stage.accountConcurrencyLimit;
  monitoring.facade.monitorCustom({
    alarmFriendlyName: 'AccountConcurrency',
    humanReadableName: 'Lambda concurrency of the account',
    metricGroups: [
      {
        title: 'Lambda concurrent executions (account)',
        metrics: [
          {
            metric: new Metric({
              namespace: 'AWS/Lambda',
              metricName: 'ConcurrentExecutions',
              statistic: 'Maximum',
              period: Duration.minutes(1),
            }),
            alarmFriendlyName: 'AccountConcurrencyNearLimit',
            addAlarm: {
              Critical: {
                threshold: Math.floor(limit * 0.8),
                comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treatMissingDataOverride: TreatMissingData.NOT_BREACHING,
                datapointsToAlarm: 5,
                evaluationPeriods: 5,
                additionalDescription: `Lambda runs at 80 % of the account's concurrency limit (${limit}, kaiku:accountConcurrencyLimit in cdk.json): new requests will be throttled soon.`,
              },
            },
          },
        ],
      },
    ],
  });
}
