export { EventsService, type EventKind } from './events-service';
