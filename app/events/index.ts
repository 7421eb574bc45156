export { EventsService, type EventKind, type EventSource } from './events-service';
