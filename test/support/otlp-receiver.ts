import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { z } from 'zod';

/** The parts of OTLP/HTTP's JSON encoding the tests read. */
const OtlpExport = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({
          attributes: z.array(
            z.object({ key: z.string(), value: z.object({ stringValue: z.string().optional() }) }),
          ),
        }),
        scopeSpans: z.array(
          z.object({
            spans: z.array(
              z.object({
                traceId: z.string(),
                spanId: z.string(),
                parentSpanId: z.string().optional(),
                name: z.string(),
                kind: z.number(),
              }),
            ),
          }),
        ),
      }),
    )
    .default([]),
});

export interface ReceivedSpan {
  readonly serviceName: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string | undefined;
  readonly name: string;
  readonly kind: number;
}

/** OTLP's span kinds, as numbers in the JSON encoding. */
export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

/**
 * A stand-in OpenTelemetry collector: an HTTP server taking OTLP/HTTP JSON on /v1/traces and
 * keeping every span, labelled with the service that exported it.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url === '/v1/traces') this.spans.push(...read(body));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `http://127.0.0.1:${port}`;
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.close();
    await once(this.server, 'close');
  }
}

function read(body: string): ReceivedSpan[] {
  return OtlpExport.parse(JSON.parse(body)).resourceSpans.flatMap((resource) => {
    const serviceName =
      resource.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value
        .stringValue ?? '';
    return resource.scopeSpans.flatMap((scope) =>
      scope.spans.map((span) => ({ serviceName, ...span })),
    );
  });
}
