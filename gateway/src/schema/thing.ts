import { builder } from '../builder.ts';

builder.prismaObject('Location', {
  description: 'Where things stand (WGS84).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    latitude: t.exposeFloat('latitude'),
    longitude: t.exposeFloat('longitude'),
  }),
});

builder.prismaObject('Thing', {
  description:
    'A station or device deployed for a programme (SensorThings "Thing"). Its id is its MQTT user.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    isSample: t.exposeBoolean('isSample'),
    lastSeenAt: t.expose('lastSeenAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When ingest last accepted a message from this device.',
    }),
    location: t.relation('location'),
    programme: t.relation('programme'),
    datastreams: t.relation('datastreams', { query: { orderBy: { id: 'asc' } } }),
  }),
});

builder.queryField('things', (t) =>
  t.prismaField({
    type: ['Thing'],
    description: 'Every registered device, by id.',
    resolve: (query, _root, _args, context) =>
      context.prisma.thing.findMany({ ...query, orderBy: { id: 'asc' } }),
  }),
);
