#!/usr/bin/env node
// NEGATIVE CONTROL for the chaos test. Never copy this: it is the bug the real worker avoids.
//
// The same validation and group-commit pipeline as the real worker, the same configuration, but
// fed the way most MQTT consumers are written: mqtt.js acknowledges each message as soon as it is
// received (its default), and the write happens afterwards, buffered in the pipeline's queue. A
// message in that buffer when the process dies, or whose commit fails, is already acknowledged:
// the broker forgets it and it is lost. The chaos test checks that its checker sees that loss.
import { READINGS_SUBSCRIPTION } from '@bisa/contract/topics.ts';
import { connectServerDatabase } from '@bisa/db/database.ts';
import { configOrExit } from '@bisa/service/environment.ts';
import { runUntilSignalled } from '@bisa/service/lifecycle.ts';
import mqtt, { type IConnackPacket } from 'mqtt';
import pino from 'pino';
import { ingestHelp, parseIngestConfig } from '../config.ts';
import { createIngestPipeline } from '../ingest-pipeline.ts';

const config = configOrExit('naive-ingest', parseIngestConfig, ingestHelp);
const logger = pino({ name: 'naive-ingest', level: config.logLevel });
const database = connectServerDatabase(config.databaseUrl);
const pipeline = createIngestPipeline({ database, logger });
const writes = new Set<Promise<void>>();
let dropped = 0;
const client = mqtt.connect(config.mqtt.url, {
  clientId: config.mqtt.clientId,
  clean: false,
  protocolVersion: config.mqtt.protocolVersion,
  reconnectPeriod: 200,
  ...(config.mqtt.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
});

client.on('message', (topic, payload) => {
  // mqtt.js sends the PUBACK right after this handler returns: before the write below is done.
  const write: Promise<void> = pipeline
    .handle({ topic, payload })
    .catch((error: unknown) => {
      dropped += 1;
      logger.warn(
        { err: error, topic, dropped },
        'commit failed; the message was already acknowledged and is lost',
      );
    })
    .finally(() => writes.delete(write));
  writes.add(write);
});

await runUntilSignalled({
  program: 'naive-ingest',
  logger,
  async start() {
    const connack = await new Promise<IConnackPacket>((resolve) => client.once('connect', resolve));
    if (!connack.sessionPresent) await client.subscribeAsync(READINGS_SUBSCRIPTION, { qos: 1 });
    logger.info({ sessionPresent: connack.sessionPresent }, 'ingest ready (naive: acknowledges on receipt)');
  },
  async stop() {
    await client.endAsync();
    await Promise.all(writes);
    logger.info({ dropped }, 'naive ingest stopped');
    await database.close();
  },
});
