import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import codePb from '@eventstore/db-client/generated/code_pb.js';
import gossipGrpc from '@eventstore/db-client/generated/gossip_grpc_pb.js';
import gossipPb from '@eventstore/db-client/generated/gossip_pb.js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import grpc from '@grpc/grpc-js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { DoubleLog, type Expected, type Filter, type LogEvent, type ProposedEvent, type WriteOutcome } from './log.ts';

const STORAGE_FILE = 'events.db';

/**
 * TEST DOUBLE of a KurrentDB/EventStoreDB node, for tests only; the product never imports it.
 *
 * A gRPC server speaking the KurrentDB client protocol from the service definitions shipped in
 * `@eventstore/db-client`: Streams.Read (a stream, $all, with filters, and catch-up subscriptions to $all with
 * confirmation, checkpoints and caught-up), Streams.Append, Streams.BatchAppend, Streams.Tombstone (hard delete),
 * ServerFeatures.GetSupportedMethods and Gossip.Read, in insecure mode (tls=false). Not served: stream
 * subscriptions, soft deletes, persistent subscriptions, projections, users, TLS and authentication. Its semantics
 * follow KurrentDB's: wrong expected versions reported in the append response, idempotent repeats of a write,
 * positions that are not consecutive numbers, stream-not-found, subscriptions that start after the given position,
 * hard-deleted streams that answer reads, writes and deletes with StreamDeleted and keep their events in the files
 * until `scavenge()`. Events live in the repository's SQLite event store.
 *
 * Clients connect through a TCP relay, so that `dropConnections()` can cut every connection like a network failure
 * while the node itself keeps running.
 */
export interface KurrentDbTestDoubleOptions {
  /** Added to every log position: `2n ** 53n` puts every position past Number.MAX_SAFE_INTEGER. */
  readonly positionOffset?: bigint;
  /** Serve and advertise Streams.BatchAppend, as KurrentDB does; without it the client uses Streams.Append. */
  readonly batchAppend?: boolean;
}

const ALL_FILTERED_WINDOW = 32;
const SERVER_VERSION = '24.10.0 (test double)';

/** A fresh node writes its users and settings first; $all always holds such system events. */
const SYSTEM_EVENTS: ReadonlyArray<readonly [stream: string, type: string]> = [
  ['$users', '$UserCreated'],
  ['$user-admin', '$UserCreated'],
  ['$users', '$UserCreated'],
  ['$user-ops', '$UserCreated'],
  ['$settings', '$settings'],
];

function streamName(identifier: sharedPb.StreamIdentifier | undefined): string {
  if (!identifier) throw invalid('stream_identifier is required');
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

function streamIdentifier(name: string): sharedPb.StreamIdentifier {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** KurrentDB parses ids into GUIDs and writes them back lowercase. */
function parseUuid(uuid: sharedPb.UUID | undefined): string {
  if (uuid?.hasStructured()) {
    const structured = uuid.getStructured();
    const hex = [structured?.getMostSignificantBits(), structured?.getLeastSignificantBits()]
      .map((bits) =>
        BigInt.asUintN(64, BigInt(bits ?? '0'))
          .toString(16)
          .padStart(16, '0'),
      )
      .join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const text = uuid?.getString().toLowerCase() ?? '';
  if (!UUID_PATTERN.test(text)) throw invalid(`not a UUID: ${text}`);
  return text;
}

function toUuid(id: string, structured: boolean): sharedPb.UUID {
  if (!structured) return new sharedPb.UUID().setString(id);
  const hex = id.replaceAll('-', '');
  return new sharedPb.UUID().setStructured(
    new sharedPb.UUID.Structured()
      .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
      .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString()),
  );
}

function invalid(details: string): grpc.ServiceError {
  return Object.assign(new Error(details), {
    code: grpc.status.INVALID_ARGUMENT,
    details,
    metadata: new grpc.Metadata(),
  });
}

/** KurrentDB's answer to any call on a hard-deleted stream (RpcExceptions.StreamDeleted). */
function streamDeleted(stream: string): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  metadata.set('exception', 'stream-deleted');
  metadata.set('stream-name', stream);
  const details = `Event stream '${stream}' is deleted.`;
  return Object.assign(new Error(details), { code: grpc.status.FAILED_PRECONDITION, details, metadata });
}

/** KurrentDB's answer to a delete whose expectation does not hold (RpcExceptions.WrongExpectedVersion). */
function wrongExpectedVersion(stream: string, expected: Expected, current: bigint | undefined): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  metadata.set('exception', 'wrong-expected-version');
  metadata.set('stream-name', stream);
  // The server's numbers for expectations without a revision: no stream -1, any -2, stream exists -4.
  const number = { any: -2n, no_stream: -1n, stream_exists: -4n } as const;
  metadata.set(
    'expected-version',
    (expected.kind === 'revision' ? expected.revision : number[expected.kind]).toString(),
  );
  if (current !== undefined) metadata.set('actual-version', current.toString());
  const details = `Append failed due to WrongExpectedVersion. Stream: ${stream}`;
  return Object.assign(new Error(details), { code: grpc.status.FAILED_PRECONDITION, details, metadata });
}

function proposed(
  message: streamsPb.AppendReq.ProposedMessage | streamsPb.BatchAppendReq.ProposedMessage,
): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  if (type === undefined || contentType === undefined) throw invalid('metadata "type" and "content-type" are required');
  return {
    id: parseUuid(message.getId()),
    type,
    contentType,
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function recordedEvent(event: LogEvent, structuredIds: boolean): streamsPb.ReadResp.ReadEvent.RecordedEvent {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(toUuid(event.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  // .NET ticks (100 ns) since the Unix epoch.
  metadata.set('created', (BigInt(event.created.getTime()) * 10_000n).toString());
  return recorded;
}

function eventResponse(event: LogEvent, structuredIds: boolean, ofAll: boolean): streamsPb.ReadResp {
  const read = new streamsPb.ReadResp.ReadEvent().setEvent(recordedEvent(event, structuredIds));
  if (ofAll) read.setCommitPosition(event.position.toString());
  else read.setNoPosition(new sharedPb.Empty());
  return new streamsPb.ReadResp().setEvent(read);
}

function filterOf(options: streamsPb.ReadReq.Options): Filter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter();
  const onStream = filter?.hasStreamIdentifier() ?? false;
  const expression = onStream ? filter?.getStreamIdentifier() : filter?.getEventType();
  if (!expression) throw invalid('a filter needs a stream or event type expression');
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  const matches = regex
    ? (value: string) => new RegExp(regex).test(value)
    : (value: string) => prefixes.some((prefix) => value.startsWith(prefix));
  return (event) => matches(onStream ? event.stream : event.type);
}

function expectedOf(options: streamsPb.AppendReq.Options | streamsPb.BatchAppendReq.Options): Expected {
  if (options instanceof streamsPb.AppendReq.Options) {
    if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  } else if (options.hasStreamPosition()) {
    return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  }
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

/** A server stream whose writes wait for the client to keep up, and stop when it is gone. */
class Sender<T> {
  #gone = false;
  #release: (() => void) | undefined;

  constructor(readonly call: grpc.ServerWritableStream<unknown, T> | grpc.ServerDuplexStream<unknown, T>) {
    const gone = () => {
      this.#gone = true;
      this.#release?.();
    };
    call.on('cancelled', gone);
    call.on('close', gone);
    call.on('error', gone);
  }

  get gone(): boolean {
    return this.#gone || this.call.cancelled;
  }

  async send(message: T): Promise<void> {
    if (this.gone) return;
    if (this.call.write(message)) return;
    await new Promise<void>((resolve) => {
      this.#release = resolve;
      this.call.once('drain', resolve);
    });
    this.#release = undefined;
  }
}

export class KurrentDbTestDouble {
  readonly #log: DoubleLog;
  readonly #server: grpc.Server;
  readonly #relay: net.Server;
  readonly #sockets = new Set<net.Socket>();
  readonly #dir: string;
  readonly #instanceId = randomUUID();
  readonly #batchAppend: boolean;
  readonly #closers = new Set<() => Promise<void>>();
  #grpcPort = 0;
  #port = 0;
  #subscriptionsServed = 0;
  #delivered = 0;
  #dropAfter: number | undefined;

  private constructor(options: KurrentDbTestDoubleOptions) {
    // In memory where the system offers it, like a node started with --mem-db.
    this.#dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'kurrentdb-double-'));
    this.#log = new DoubleLog(join(this.#dir, STORAGE_FILE), options.positionOffset ?? 0n);
    this.#batchAppend = options.batchAppend ?? true;
    this.#server = new grpc.Server();
    this.#relay = net.createServer((socket) => this.#relayConnection(socket));
  }

  static async start(options: KurrentDbTestDoubleOptions = {}): Promise<KurrentDbTestDouble> {
    const double = new KurrentDbTestDouble(options);
    await double.#listen();
    for (const [stream, type] of SYSTEM_EVENTS) await double.appendSystemEvent(stream, type);
    return double;
  }

  /** The connection string of this node (insecure mode). */
  get url(): string {
    return `esdb://127.0.0.1:${this.#port}?tls=false`;
  }

  get port(): number {
    return this.#port;
  }

  /** A server-written event, e.g. the statistics a node records now and then. */
  async appendSystemEvent(stream = '$stats-127.0.0.1:2113', type = '$statsCollected'): Promise<void> {
    await this.#log.write(stream, { kind: 'any' }, [
      { id: randomUUID(), type, contentType: 'application/json', data: Buffer.from('{}'), metadata: Buffer.alloc(0) },
    ]);
  }

  /** Every event of the log that is not the server's own, in order. */
  async userEvents(): Promise<LogEvent[]> {
    const events = await this.#log.readAllForwards('start', Number.MAX_SAFE_INTEGER);
    return events.filter((event) => !event.stream.startsWith('$'));
  }

  /** The node's storage files as they are on disk now (the database, its write-ahead log and shared memory). */
  storageFiles(): string[] {
    return readdirSync(this.#dir)
      .filter((file) => file.startsWith(STORAGE_FILE))
      .map((file) => join(this.#dir, file));
  }

  /** What a scavenge does: the events of hard-deleted streams leave the files. Answers how many did. */
  scavenge(): Promise<number> {
    return this.#log.scavenge();
  }

  /** Subscriptions to $all started so far (each resubscription counts). */
  get subscriptionsServed(): number {
    return this.#subscriptionsServed;
  }

  /** Cuts every connection once subscriptions have delivered `count` more events: a failure in mid-stream. */
  dropConnectionsAfterDelivering(count: number): void {
    this.#dropAfter = this.#delivered + count;
  }

  /** Cuts every client connection at once, as a network failure would; the node keeps running. */
  dropConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#relay.close(() => resolve()));
    this.#server.forceShutdown();
    await Promise.all([...this.#closers].map((close) => close()));
    await this.#log.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #listen(): Promise<void> {
    this.#server.addService(streamsGrpc.StreamsService, {
      read: (call: grpc.ServerWritableStream<streamsPb.ReadReq, streamsPb.ReadResp>) => {
        this.#read(call).catch((error: unknown) => call.emit('error', error));
      },
      append: (
        call: grpc.ServerReadableStream<streamsPb.AppendReq, streamsPb.AppendResp>,
        callback: grpc.sendUnaryData<streamsPb.AppendResp>,
      ) => this.#append(call, callback),
      ...(this.#batchAppend
        ? {
            batchAppend: (call: grpc.ServerDuplexStream<streamsPb.BatchAppendReq, streamsPb.BatchAppendResp>) =>
              this.#batchAppendCall(call),
          }
        : {}),
      tombstone: (
        call: grpc.ServerUnaryCall<streamsPb.TombstoneReq, streamsPb.TombstoneResp>,
        callback: grpc.sendUnaryData<streamsPb.TombstoneResp>,
      ) => this.#tombstone(call, callback),
    });
    this.#server.addService(serverFeaturesGrpc.ServerFeaturesService, {
      getSupportedMethods: (
        _call: grpc.ServerUnaryCall<sharedPb.Empty, serverFeaturesPb.SupportedMethods>,
        callback: grpc.sendUnaryData<serverFeaturesPb.SupportedMethods>,
      ) => callback(null, this.#supportedMethods()),
    });
    this.#server.addService(gossipGrpc.GossipService, {
      read: (
        _call: grpc.ServerUnaryCall<sharedPb.Empty, gossipPb.ClusterInfo>,
        callback: grpc.sendUnaryData<gossipPb.ClusterInfo>,
      ) => callback(null, this.#clusterInfo()),
    });
    const grpcPort = await new Promise<number>((resolve, reject) => {
      this.#server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      );
    });
    this.#grpcPort = grpcPort;
    await new Promise<void>((resolve) => this.#relay.listen(0, '127.0.0.1', () => resolve()));
    const address = this.#relay.address();
    if (!address || typeof address === 'string') throw new Error('the relay has no TCP address');
    this.#port = address.port;
  }

  #relayConnection(client: net.Socket): void {
    const upstream = net.connect(this.#grpcPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  #supportedMethods(): serverFeaturesPb.SupportedMethods {
    const methods: Array<[service: string, method: string]> = [
      ['event_store.client.streams.Streams', 'Read'],
      ['event_store.client.streams.Streams', 'Append'],
      ...(this.#batchAppend ? [['event_store.client.streams.Streams', 'BatchAppend'] as [string, string]] : []),
      ['event_store.client.streams.Streams', 'Tombstone'],
      ['event_store.client.gossip.Gossip', 'Read'],
      ['event_store.client.server_features.ServerFeatures', 'GetSupportedMethods'],
    ];
    return new serverFeaturesPb.SupportedMethods()
      .setEventStoreServerVersion(SERVER_VERSION)
      .setMethodsList(
        methods.map(([service, method]) =>
          new serverFeaturesPb.SupportedMethod().setServiceName(service).setMethodName(method),
        ),
      );
  }

  #clusterInfo(): gossipPb.ClusterInfo {
    const member = new gossipPb.MemberInfo()
      .setInstanceId(toUuid(this.#instanceId, false))
      .setTimeStamp((BigInt(Date.now()) * 10_000n).toString())
      .setState(gossipPb.MemberInfo.VNodeState.LEADER)
      .setIsAlive(true)
      .setHttpEndPoint(new gossipPb.EndPoint().setAddress('127.0.0.1').setPort(this.#port));
    return new gossipPb.ClusterInfo().setMembersList([member]);
  }

  async #read(call: grpc.ServerWritableStream<streamsPb.ReadReq, streamsPb.ReadResp>): Promise<void> {
    const options = call.request.getOptions();
    if (!options) throw invalid('options are required');
    const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    const backwards = options.getReadDirection() === streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;
    const sender = new Sender(call);
    if (options.hasSubscription()) {
      const all = options.getAll();
      if (!all)
        throw Object.assign(invalid('only subscriptions to $all are served'), { code: grpc.status.UNIMPLEMENTED });
      await this.#subscribe(sender, all, options, structuredIds);
    } else if (options.hasStream()) {
      const stream = options.getStream();
      const name = streamName(stream?.getStreamIdentifier());
      const from = stream?.hasRevision() ? BigInt(stream.getRevision()) : stream?.hasEnd() ? 'end' : 'start';
      const events = await this.#log.readStream(name, from, Number(options.getCount()), backwards);
      if (events === 'deleted') throw streamDeleted(name);
      if (!events) {
        const notFound = new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name));
        await sender.send(new streamsPb.ReadResp().setStreamNotFound(notFound));
      }
      for (const event of events ?? []) await sender.send(eventResponse(event, structuredIds, false));
    } else {
      const all = options.getAll();
      const position = all?.hasPosition() ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : undefined;
      const count = Number(options.getCount());
      const filter = filterOf(options);
      // Nothing lies before the start or after the end.
      const beyond = backwards ? all?.hasStart() : all?.hasEnd();
      const events = beyond
        ? []
        : backwards
          ? await this.#log.readAllBackwards(position ?? 'end', count, filter)
          : await this.#log.readAllForwards(position ?? 'start', count, filter);
      for (const event of events) await sender.send(eventResponse(event, structuredIds, true));
    }
    if (!sender.gone) call.end();
  }

  async #subscribe(
    sender: Sender<streamsPb.ReadResp>,
    all: streamsPb.ReadReq.Options.AllOptions,
    options: streamsPb.ReadReq.Options,
    structuredIds: boolean,
  ): Promise<void> {
    const fromEnd = all.hasEnd();
    const from = all.hasPosition() ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : fromEnd ? 'end' : 'start';
    const subscription = this.#log.subscribe(await this.#log.subscriptionStart(from));
    this.#subscriptionsServed += 1;
    this.#closers.add(subscription.close);
    sender.call.on('cancelled', () => void subscription.close());
    const filter = filterOf(options);
    const window = options.getFilter()?.hasMax()
      ? (options.getFilter()?.getMax() ?? ALL_FILTERED_WINDOW)
      : ALL_FILTERED_WINDOW;
    const checkpointEvery = (options.getFilter()?.getCheckpointintervalmultiplier() ?? 1) * window;
    let considered = 0;
    const send = (response: streamsPb.ReadResp) => sender.send(response);
    try {
      const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
      await send(new streamsPb.ReadResp().setConfirmation(confirmation));
      // From the end there is nothing to catch up with; the first message of the store is then skipped.
      let caughtUp = false;
      if (fromEnd) {
        caughtUp = true;
        await send(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()));
      }
      for await (const message of subscription.messages) {
        if (sender.gone) break;
        if (message === 'caughtUp') {
          if (!caughtUp) await send(new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()));
          caughtUp = true;
          continue;
        }
        for (const event of message) {
          if (!filter || filter(event)) {
            await send(eventResponse(event, structuredIds, true));
            this.#delivered += 1;
            if (this.#dropAfter !== undefined && this.#delivered >= this.#dropAfter) {
              this.#dropAfter = undefined;
              this.dropConnections();
            }
          }
          considered += 1;
          if (filter && considered % checkpointEvery === 0) {
            const checkpoint = new streamsPb.ReadResp.Checkpoint()
              .setCommitPosition(event.position.toString())
              .setPreparePosition(event.position.toString());
            await send(new streamsPb.ReadResp().setCheckpoint(checkpoint));
          }
        }
      }
    } finally {
      this.#closers.delete(subscription.close);
      await subscription.close();
    }
  }

  #append(
    call: grpc.ServerReadableStream<streamsPb.AppendReq, streamsPb.AppendResp>,
    callback: grpc.sendUnaryData<streamsPb.AppendResp>,
  ): void {
    let options: streamsPb.AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let failed = false;
    call.on('data', (request: streamsPb.AppendReq) => {
      try {
        if (request.hasOptions()) options = request.getOptions();
        else if (request.hasProposedMessage() && options) {
          const message = request.getProposedMessage();
          if (message) events.push(proposed(message));
        } else throw invalid('the first message of an append carries its options');
      } catch (error) {
        failed = true;
        callback(error as grpc.ServiceError, null);
      }
    });
    call.on('end', () => {
      if (failed) return;
      if (!options) {
        callback(invalid('an append needs options'), null);
        return;
      }
      const stream = streamName(options.getStreamIdentifier());
      const expected = expectedOf(options);
      this.#log.write(stream, expected, events).then(
        (outcome) =>
          outcome.kind === 'stream_deleted'
            ? callback(streamDeleted(stream), null)
            : callback(null, appendResponse(outcome, expected)),
        (error: unknown) => callback(error as grpc.ServiceError, null),
      );
    });
  }

  #tombstone(
    call: grpc.ServerUnaryCall<streamsPb.TombstoneReq, streamsPb.TombstoneResp>,
    callback: grpc.sendUnaryData<streamsPb.TombstoneResp>,
  ): void {
    const options = call.request.getOptions();
    if (!options) {
      callback(invalid('options are required'), null);
      return;
    }
    let stream: string;
    try {
      stream = streamName(options.getStreamIdentifier());
    } catch (error) {
      callback(error as grpc.ServiceError, null);
      return;
    }
    const expected: Expected = options.hasRevision()
      ? { kind: 'revision', revision: BigInt(options.getRevision()) }
      : options.hasNoStream()
        ? { kind: 'no_stream' }
        : options.hasStreamExists()
          ? { kind: 'stream_exists' }
          : { kind: 'any' };
    this.#log.tombstone(stream, expected).then(
      (outcome) => {
        if (outcome.kind === 'stream_deleted') callback(streamDeleted(stream), null);
        else if (outcome.kind === 'wrong_expected_version') {
          callback(wrongExpectedVersion(stream, expected, outcome.current), null);
        } else {
          const position = (outcome.position ?? 0n).toString();
          const at = new streamsPb.TombstoneResp.Position().setCommitPosition(position).setPreparePosition(position);
          callback(null, new streamsPb.TombstoneResp().setPosition(at));
        }
      },
      (error: unknown) => callback(error as grpc.ServiceError, null),
    );
  }

  #batchAppendCall(call: grpc.ServerDuplexStream<streamsPb.BatchAppendReq, streamsPb.BatchAppendResp>): void {
    const pending = new Map<string, { stream: string; expected: Expected; events: ProposedEvent[] }>();
    const writes = new Set<Promise<void>>();
    const sender = new Sender(call);
    call.on('data', (request: streamsPb.BatchAppendReq) => {
      const correlation = request.getCorrelationId();
      let write: { stream: string; expected: Expected; events: ProposedEvent[] } | undefined;
      let key = '';
      try {
        key = parseUuid(correlation);
        const options = request.getOptions();
        if (options) {
          pending.set(key, {
            stream: streamName(options.getStreamIdentifier()),
            expected: expectedOf(options),
            events: [],
          });
        }
        write = pending.get(key);
        write?.events.push(...request.getProposedMessagesList().map(proposed));
      } catch (error) {
        pending.delete(key);
        void sender.send(badRequest(correlation, error instanceof Error ? error.message : String(error)));
        return;
      }
      if (!write || !request.getIsFinal()) return;
      pending.delete(key);
      const done = this.#log
        .write(write.stream, write.expected, write.events)
        .then((outcome) => sender.send(batchAppendResponse(outcome, write.stream, write.expected, correlation)))
        .finally(() => writes.delete(done));
      writes.add(done);
    });
    call.on('end', () => {
      void Promise.all(writes).then(() => {
        if (!sender.gone) call.end();
      });
    });
  }
}

/** A malformed write is answered in the stream, like KurrentDB's Status.BadRequest. */
function badRequest(correlation: sharedPb.UUID | undefined, message: string): streamsPb.BatchAppendResp {
  const packed = new anyPb.Any();
  packed.pack(new sharedPb.BadRequest().setMessage(message).serializeBinary(), 'event_store.client.BadRequest');
  const status = new statusPb.Status()
    .setCode(codePb.Code.INVALID_ARGUMENT)
    .setMessage('BadRequest')
    .setDetails(packed);
  return new streamsPb.BatchAppendResp().setCorrelationId(correlation).setError(status);
}

function appendResponse(
  outcome: Exclude<WriteOutcome, { kind: 'stream_deleted' }>,
  expected: Expected,
): streamsPb.AppendResp {
  if (outcome.kind === 'success') {
    const success = new streamsPb.AppendResp.Success();
    if (outcome.revision === undefined) success.setNoStream(new sharedPb.Empty());
    else success.setCurrentRevision(outcome.revision.toString());
    if (outcome.position === undefined) success.setNoPosition(new sharedPb.Empty());
    else {
      success.setPosition(
        new streamsPb.AppendResp.Position()
          .setCommitPosition(outcome.position.toString())
          .setPreparePosition(outcome.position.toString()),
      );
    }
    return new streamsPb.AppendResp().setSuccess(success);
  }
  const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
  if (outcome.current === undefined) wrong.setCurrentNoStream(new sharedPb.Empty());
  else wrong.setCurrentRevision(outcome.current.toString());
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
  else wrong.setExpectedAny(new sharedPb.Empty());
  return new streamsPb.AppendResp().setWrongExpectedVersion(wrong);
}

function batchAppendResponse(
  outcome: WriteOutcome,
  stream: string,
  expected: Expected,
  correlation: sharedPb.UUID | undefined,
): streamsPb.BatchAppendResp {
  const response = new streamsPb.BatchAppendResp()
    .setCorrelationId(correlation)
    .setStreamIdentifier(streamIdentifier(stream));
  if (expected.kind === 'revision') response.setStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') response.setNoStream(new emptyPb.Empty());
  else if (expected.kind === 'stream_exists') response.setStreamExists(new emptyPb.Empty());
  else response.setAny(new emptyPb.Empty());
  if (outcome.kind === 'stream_deleted') {
    const packed = new anyPb.Any();
    const details = new sharedPb.StreamDeleted().setStreamIdentifier(streamIdentifier(stream));
    packed.pack(details.serializeBinary(), 'event_store.client.StreamDeleted');
    return response.setError(
      new statusPb.Status().setCode(codePb.Code.FAILED_PRECONDITION).setMessage('StreamDeleted').setDetails(packed),
    );
  }
  if (outcome.kind === 'success') {
    const success = new streamsPb.BatchAppendResp.Success();
    if (outcome.revision === undefined) success.setNoStream(new emptyPb.Empty());
    else success.setCurrentRevision(outcome.revision.toString());
    if (outcome.position === undefined) success.setNoPosition(new emptyPb.Empty());
    else {
      success.setPosition(
        new sharedPb.AllStreamPosition()
          .setCommitPosition(outcome.position.toString())
          .setPreparePosition(outcome.position.toString()),
      );
    }
    return response.setSuccess(success);
  }
  // A wrong expected version travels as a google.rpc.Status carrying KurrentDB's WrongExpectedVersion details.
  const details = new sharedPb.WrongExpectedVersion();
  if (outcome.current === undefined) details.setCurrentNoStream(new emptyPb.Empty());
  else details.setCurrentStreamRevision(outcome.current.toString());
  if (expected.kind === 'revision') details.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') details.setExpectedNoStream(new emptyPb.Empty());
  else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(new emptyPb.Empty());
  else details.setExpectedAny(new emptyPb.Empty());
  const packed = new anyPb.Any();
  packed.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  return response.setError(
    new statusPb.Status().setCode(codePb.Code.ALREADY_EXISTS).setMessage('WrongExpectedVersion').setDetails(packed),
  );
}
