import { NotificationTopic, NotificationType } from '../common/notifications/outbox-sink.js';

export type Language = 'sv' | 'en';

/**
 * One thing a person is told about. By the content rule (SECURITY.md, "E-mail"), a notice and a
 * link only: what happened (from the event's type and topic, never from the record), which
 * incident (its reference and title, which everyone told about it may read), and where to read
 * it after signing in. Never a report's or a log entry's text, a title of a log entry, a
 * recipient list, or anything else the record holds.
 */
export interface Notice {
  topic: NotificationTopic;
  type: NotificationType;
  incidentId: string;
  incidentReference: string;
  incidentTitle: string;
}

export interface Mail {
  subject: string;
  text: string;
}

const TOPIC_TEXT: Record<Exclude<NotificationTopic, NotificationTopic.ORGANISATION_EVENTS>, Record<Language, string>> = {
  RESTRICTED_REPORT: { sv: 'En lägesrapport med begränsad spridning har skickats till er organisation', en: 'A restricted situation report was sent to your organisation' },
  TASK_ASSIGNED: { sv: 'En uppgift i stabsloggen har lagts på er organisation', en: 'A staff log task was assigned to your organisation' },
  TASK_OVERDUE: { sv: 'En uppgift som er organisation ansvarar för är försenad', en: 'A task your organisation answers for is overdue' },
  MATCHING_RESOURCE_REQUEST: { sv: 'En ny resursbegäran gäller en resurs som er organisation har', en: 'A new resource request asks for a resource your organisation holds' },
};

const TYPE_TEXT: Record<NotificationType, Record<Language, string>> = {
  INCIDENT_CHANGED: { sv: 'Händelsen har ändrats', en: 'The incident was changed' },
  SITUATION_REPORT_SUBMITTED: { sv: 'En ny lägesrapport har lämnats', en: 'A new situation report was submitted' },
  RESOURCE_REQUEST_CHANGED: { sv: 'En resursbegäran har ändrats', en: 'A resource request was changed' },
  COMMUNICATION_LINK_CHANGED: { sv: 'Ett samband har ändrats', en: 'A communication link was changed' },
  LOG_ENTRY_CHANGED: { sv: 'Stabsloggen har ändrats', en: 'The staff log was changed' },
};

const WORDS = {
  sv: {
    prefix: 'Samverkan',
    open: 'Logga in för att läsa',
    digest: (n: number) => `${n} aviseringar`,
    footer: 'Du får detta e-brev för att du har valt det i dina aviseringsinställningar i Samverkan. Innehållet finns bara i Samverkan, efter inloggning.',
  },
  en: {
    prefix: 'Samverkan',
    open: 'Sign in to read it',
    digest: (n: number) => `${n} notifications`,
    footer: 'You receive this e-mail because of your notification preferences in Samverkan. The content is only in Samverkan, after signing in.',
  },
};

export function noticeLine(n: Notice, lang: Language): string {
  return n.topic === NotificationTopic.ORGANISATION_EVENTS ? TYPE_TEXT[n.type][lang] : TOPIC_TEXT[n.topic][lang];
}

export function incidentLink(publicUrl: string, incidentId: string): string {
  return `${publicUrl}/console/incidents/${incidentId}`;
}

/** One notice, or a digest of several (oldest first), in the person's language. */
export function composeMail(notices: readonly Notice[], lang: Language, publicUrl: string): Mail {
  const w = WORDS[lang];
  const item = (n: Notice) => `${noticeLine(n, lang)}: ${n.incidentReference} ${n.incidentTitle}\n${w.open}: ${incidentLink(publicUrl, n.incidentId)}`;
  if (notices.length === 1) {
    const [n] = notices;
    return { subject: `[${w.prefix}] ${noticeLine(n, lang)} (${n.incidentReference})`, text: `${item(n)}\n\n-- \n${w.footer}\n` };
  }
  return { subject: `[${w.prefix}] ${w.digest(notices.length)}`, text: `${notices.map(item).join('\n\n')}\n\n-- \n${w.footer}\n` };
}
