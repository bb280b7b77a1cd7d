import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AtlasClient } from '#atlas/client';
import { SERVICE_NAMES } from '#atlas/contracts';
import {
  startEmbeddedPlatform,
  type EmbeddedPlatform,
} from '../../apps/embedded/src/embedded-platform.js';
import {
  CollectorConfig,
  Dashboard,
  DashboardProvisioning,
  DatasourceProvisioning,
  OBSERVABILITY_FILES,
  PrometheusConfig,
  readChecked,
  RuleFile,
} from './observability-files.js';
import { exportedSeriesNames, metricNamesIn } from './promql-metrics.js';

const dashboards = readdirSync(OBSERVABILITY_FILES.dashboards)
  .filter((file) => file.endsWith('.json'))
  .map((file) => readChecked(path.join(OBSERVABILITY_FILES.dashboards, file), Dashboard));
const rules = readChecked(OBSERVABILITY_FILES.alertRules, RuleFile);
const datasources = readChecked(OBSERVABILITY_FILES.datasources, DatasourceProvisioning);

/** Every PromQL expression in the dashboards and the rules, with where it is. */
const queries: Array<{ where: string; expr: string }> = [
  ...dashboards.flatMap((dashboard) =>
    dashboard.panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        where: `dashboard ${dashboard.uid}, panel "${panel.title}"`,
        expr: target.expr,
      })),
    ),
  ),
  ...rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({
      where: `rule ${'alert' in rule ? rule.alert : rule.record}`,
      expr: rule.expr,
    })),
  ),
];

const recordedNames = new Set(
  rules.groups.flatMap((group) =>
    group.rules.flatMap((rule) => ('record' in rule ? [rule.record] : [])),
  ),
);

/** `where: name` for each metric a query reads that is neither exported nor recorded. */
function unknownMetrics(exported: ReadonlySet<string>): string[] {
  return queries.flatMap(({ where, expr }) =>
    metricNamesIn(expr)
      .filter((name) => !exported.has(name) && !recordedNames.has(name))
      .map((name) => `${where}: ${name}`),
  );
}

describe('the observability files', () => {
  it('parse, and have the structure the collector, Prometheus and Grafana read', () => {
    expect(() => readChecked(OBSERVABILITY_FILES.collector, CollectorConfig)).not.toThrow();
    expect(() => readChecked(OBSERVABILITY_FILES.prometheus, PrometheusConfig)).not.toThrow();
    expect(() =>
      readChecked(OBSERVABILITY_FILES.dashboardProviders, DashboardProvisioning),
    ).not.toThrow();
    expect(dashboards.length).toBeGreaterThan(0);
    expect(queries.length).toBeGreaterThan(10);
  });

  it('wire every collector pipeline to receivers and exporters it defines', () => {
    const collector = readChecked(OBSERVABILITY_FILES.collector, CollectorConfig);
    for (const pipeline of Object.values(collector.service.pipelines)) {
      for (const receiver of pipeline.receivers)
        expect(Object.keys(collector.receivers)).toContain(receiver);
      for (const exporter of pipeline.exporters)
        expect(Object.keys(collector.exporters)).toContain(exporter);
      for (const processor of pipeline.processors ?? []) {
        expect(Object.keys(collector.processors ?? {})).toContain(processor);
      }
    }
  });

  it('give every dashboard a unique uid and every panel a provisioned data source', () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    const uids = new Set(datasources.datasources.map((source) => source.uid));
    const unknown = dashboards.flatMap((dashboard) =>
      dashboard.panels.flatMap((panel) =>
        [panel.datasource, ...(panel.targets ?? []).map((target) => target.datasource)]
          .filter((ref) => ref !== undefined && !uids.has(ref.uid))
          .map(() => `${dashboard.uid}: ${panel.title}`),
      ),
    );
    expect(unknown).toEqual([]);
  });

  it('use recording rules only where a rule records them, and page or ticket on every alert', () => {
    const used = queries.flatMap(({ expr }) =>
      metricNamesIn(expr).filter((name) => name.includes(':')),
    );
    expect(used.filter((name) => !recordedNames.has(name))).toEqual([]);
    const alerts = rules.groups.flatMap((group) => group.rules.filter((rule) => 'alert' in rule));
    expect(
      alerts
        .map((alert) => alert.labels?.['severity'])
        .filter((s) => s !== 'page' && s !== 'ticket'),
    ).toEqual([]);
  });

  it('reads metric names out of PromQL, leaving functions, labels and durations out', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{status_code=~"5.."}[5m]))) > 0.5',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket']);
    expect(
      metricNamesIn('atlas:ratio:rate1h > (14.4 * 0.005) and max by (upstream) (gateway_up) == 2'),
    ).toEqual(['atlas:ratio:rate1h', 'gateway_up']);
  });
});

describe('the metrics the dashboards and alert rules query (embedded platform, one order placed)', () => {
  let platform: EmbeddedPlatform;
  let exported: Set<string>;
  let scrapes: Map<string, string>;

  beforeAll(async () => {
    platform = await startEmbeddedPlatform({
      gatewayPort: 'random',
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', CATALOG_SEED_DEMO: 'true' },
    });
    // One order end to end, so the counters of every step have samples.
    const client = new AtlasClient(platform.gatewayUrl);
    const customer = await client.newCustomer();
    const [product] = (await client.products()).items;
    if (!product) throw new Error('the demo catalog is empty');
    await client.product(product.id);
    await client.product(product.id);
    const placed = await client.placeOrder(
      customer.token,
      [{ productId: product.id, quantity: 1 }],
      crypto.randomUUID(),
    );
    if (placed.status !== 202) throw new Error(`placing the order answered ${placed.status}`);
    const order = await client.settledOrder(customer.token, placed.body.id);
    if (order.status !== 'CONFIRMED') throw new Error(`the order ended ${order.status}`);

    scrapes = new Map();
    for (const name of SERVICE_NAMES) {
      const response = await fetch(`${platform.urls[name]}/metrics`);
      scrapes.set(name, await response.text());
    }
    exported = new Set([...scrapes.values()].flatMap((text) => [...exportedSeriesNames(text)]));
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  });

  it('are all exported by the apps', () => {
    expect(unknownMetrics(exported)).toEqual([]);
  });

  it('would catch a dashboard query naming a metric no app exports', () => {
    const withTypo = new Set([...exported].filter((name) => name !== 'messaging_outbox_backlog'));
    expect(unknownMetrics(withTypo)).toContain(
      'dashboard atlas-overview, panel "Outbox backlog": messaging_outbox_backlog',
    );
  });

  it('have samples for the order just placed: saga outcome, messages applied, cache lookups, lag and backlog', () => {
    const orders = scrapes.get('orders') ?? '';
    expect(orders).toMatch(/^orders_saga_outcomes_total\{[^}]*outcome="confirmed"[^}]*\} [1-9]/m);
    expect(orders).toMatch(
      /^messaging_messages_processed_total\{[^}]*outcome="applied"[^}]*\} [1-9]/m,
    );
    expect(orders).toMatch(/^messaging_consumer_lag\{[^}]*topic="catalog\.[^"]+"[^}]*\} \d+/m);
    expect(orders).toMatch(/^messaging_outbox_backlog\{service="orders"\} \d+/m);
    const catalog = scrapes.get('catalog') ?? '';
    expect(catalog).toMatch(/^cache_lookups_total\{[^}]*result="hit_local"[^}]*\} [1-9]/m);
    expect(catalog).toMatch(/^cache_lookups_total\{[^}]*result="miss"[^}]*\} [1-9]/m);
  });
});
