import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from '../deploy/kubernetes-objects.js';

/**
 * The files under infra/observability, read and checked against the structure their tool
 * expects (only the parts Atlas uses; `.strict()` where a misspelt key would silently be
 * ignored by the tool). Parsing throws with the path of the first thing that is wrong.
 */
export const OBSERVABILITY_DIR = path.join(REPO_ROOT, 'infra', 'observability');

export const OBSERVABILITY_FILES = {
  collector: path.join(OBSERVABILITY_DIR, 'otel-collector.yaml'),
  prometheus: path.join(OBSERVABILITY_DIR, 'prometheus.yml'),
  alertRules: path.join(OBSERVABILITY_DIR, 'alert-rules.yml'),
  datasources: path.join(
    OBSERVABILITY_DIR,
    'grafana',
    'provisioning',
    'datasources',
    'datasources.yaml',
  ),
  dashboardProviders: path.join(
    OBSERVABILITY_DIR,
    'grafana',
    'provisioning',
    'dashboards',
    'dashboards.yaml',
  ),
  dashboards: path.join(OBSERVABILITY_DIR, 'grafana', 'dashboards'),
} as const;

const duration = z.string().regex(/^(\d+(ms|s|m|h|d|w|y))+$/, 'a Prometheus duration like 5m');

export const CollectorConfig = z.object({
  receivers: z.object({
    otlp: z.object({
      protocols: z.object({
        http: z.object({ endpoint: z.string() }),
        grpc: z.object({ endpoint: z.string() }).optional(),
      }),
    }),
  }),
  processors: z.record(z.string(), z.unknown()).optional(),
  exporters: z.record(z.string(), z.object({ endpoint: z.string() }).loose()),
  extensions: z.record(z.string(), z.unknown()).optional(),
  service: z.object({
    extensions: z.array(z.string()).optional(),
    pipelines: z.record(
      z.string(),
      z.object({
        receivers: z.array(z.string()).min(1),
        processors: z.array(z.string()).optional(),
        exporters: z.array(z.string()).min(1),
      }),
    ),
  }),
});

export const PrometheusConfig = z
  .object({
    global: z
      .object({ scrape_interval: duration, evaluation_interval: duration })
      .partial()
      .strict()
      .optional(),
    rule_files: z.array(z.string()).min(1),
    scrape_configs: z
      .array(
        z
          .object({
            job_name: z.string(),
            metrics_path: z.string().startsWith('/').optional(),
            static_configs: z.array(z.object({ targets: z.array(z.string()).min(1) }).strict()),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const AlertingRule = z
  .object({
    alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
    expr: z.string().min(1),
    for: duration.optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const RecordingRule = z
  .object({
    record: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/),
    expr: z.string().min(1),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const RuleFile = z
  .object({
    groups: z
      .array(
        z
          .object({
            name: z.string().min(1),
            interval: duration.optional(),
            rules: z.array(z.union([AlertingRule, RecordingRule])).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const DatasourceProvisioning = z
  .object({
    apiVersion: z.literal(1),
    datasources: z
      .array(
        z
          .object({
            name: z.string(),
            uid: z.string(),
            type: z.string(),
            access: z.enum(['proxy', 'direct']),
            url: z.url(),
            isDefault: z.boolean().optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export const DashboardProvisioning = z
  .object({
    apiVersion: z.literal(1),
    providers: z
      .array(
        z
          .object({
            name: z.string(),
            folder: z.string().optional(),
            type: z.literal('file'),
            disableDeletion: z.boolean().optional(),
            options: z.object({ path: z.string().startsWith('/') }).strict(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const DatasourceRef = z.object({ type: z.string(), uid: z.string() }).strict();

const Panel = z
  .object({
    type: z.string(),
    title: z.string().min(1),
    datasource: DatasourceRef.optional(),
    gridPos: z.object({ h: z.number(), w: z.number(), x: z.number(), y: z.number() }),
    targets: z
      .array(
        z
          .object({
            refId: z.string(),
            expr: z.string().min(1),
            datasource: DatasourceRef.optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

export const Dashboard = z
  .object({
    uid: z.string().min(1),
    title: z.string().min(1),
    schemaVersion: z.number(),
    panels: z.array(Panel).min(1),
  })
  .loose();
export type Dashboard = z.infer<typeof Dashboard>;

/** Reads a YAML or JSON file and checks it against its schema. */
export function readChecked<Schema extends z.ZodType>(
  file: string,
  schema: Schema,
): z.infer<Schema> {
  const text = readFileSync(file, 'utf8');
  const content: unknown = file.endsWith('.json') ? JSON.parse(text) : parse(text);
  const parsed = schema.safeParse(content);
  if (!parsed.success) {
    throw new Error(`${path.relative(REPO_ROOT, file)}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
