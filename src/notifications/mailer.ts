import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config.js';
import type { Mail } from './email-content.js';
import type { SendOutcome } from './webhook-sender.js';

const ERROR_MAX = 500;

/**
 * Sends e-mail through the SMTP server of SMTP_URL (nodemailer), within WEBHOOK_TIMEOUT_MS per
 * stage. The outcome is kept like a webhook's: the server's reply code (250 when accepted) or
 * the error, never the URL (it may hold a password).
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private transport: Transporter | undefined;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return !!this.config.email.url;
  }

  async send(to: string, mail: Mail): Promise<SendOutcome & { ok: boolean }> {
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    try {
      const info = await this.transporter().sendMail({ from: this.config.email.from, to, subject: mail.subject, text: mail.text });
      const code = Number(/^(\d{3})/.exec(String(info.response ?? ''))?.[1] ?? 250);
      const ok = !info.rejected?.length && code >= 200 && code < 300;
      return { ok, statusCode: code, error: ok ? null : `rejected: ${String(info.response).slice(0, ERROR_MAX - 10)}`, durationMs: durationMs() };
    } catch (e) {
      const err = e as Error & { responseCode?: number };
      return { ok: false, statusCode: err.responseCode ?? null, error: (err.message || String(e)).slice(0, ERROR_MAX), durationMs: durationMs() };
    }
  }

  private transporter(): Transporter {
    const timeout = this.config.webhooks.timeoutMs;
    this.transport ??= nodemailer.createTransport({ url: this.config.email.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as never);
    return this.transport;
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
