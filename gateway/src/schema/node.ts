// The Node interface and the node/nodes root fields come from the Relay plugin (builder.ts);
// every type fetched by id registers itself with builder.prismaNode in its own domain file.

/** The description of every node's `databaseId` field. */
export const DATABASE_ID =
  'The id in the database (seed files, MQTT topics, logs). Arguments take the global `id`.';
