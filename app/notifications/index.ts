export { NotificationsService, type NotificationsDeps, type TargetView } from './notifications-service';
export { NOTIFICATION_KINDS, headline, type NotificationEvent, type NotificationKind } from './notification-events';
export { parseTarget, refusedAddress, checkTargetAddresses, portOf, type AddressRules } from './target-url';
export { sign, SIGNATURE_HEADER } from './render';
export { certificateCheck, watchCertificates, CERT_WARN_DAYS } from './cert-watch';
