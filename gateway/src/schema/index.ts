import { builder } from '../builder.ts';
import './scalars.ts';
import './localized-text.ts';
import './agency.ts';
import './dimension.ts';
import './programme.ts';
import './thing.ts';
import './reading.ts';
import './datastream.ts';
import './partner.ts';
import './evaluation.ts';
import './kpi.ts';
import './progress-report.ts';
import './auth.ts';
import './audit-event.ts';
import './alert.ts';
import './dead-letter.ts';

export const schema = builder.toSchema();
