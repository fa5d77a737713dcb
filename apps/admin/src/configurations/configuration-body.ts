import { createPrivateKey } from 'node:crypto';
import { HttpException, HttpStatus } from '@nestjs/common';
import { CONFIG_ID } from '@app/config';

/** A service-account JSON as Firebase issues it; only what the push needs is required. */
export interface ServiceAccountJson extends Record<string, unknown> {
  client_email: string;
  private_key: string;
  project_id?: string;
}

export interface ConfigurationBody {
  name?: string;
  secrets: string[];
  fcm: { projectId?: string; serviceAccount?: ServiceAccountJson };
  ios?: { title: string; body: string };
}

export function badRequest(field: string, message: string): HttpException {
  return new HttpException({ statusCode: 400, error: 'Bad Request', message, field }, HttpStatus.BAD_REQUEST);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw badRequest(field, `${field} must be a non-empty string`);
  if (value.length > max) throw badRequest(field, `${field} must be at most ${max} characters`);
  return value;
}

function onlyFields(value: Record<string, unknown>, allowed: string[], parent: string): void {
  const extra = Object.keys(value).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw badRequest(parent ? `${parent}.${extra}` : extra, `${parent ? `${parent}.` : ''}${extra} is not a known field`);
}

export function parseConfigurationId(id: string): string {
  if (!CONFIG_ID.test(id)) throw badRequest('id', 'id may hold only letters, digits, ., _ and - (1-128)');
  return id;
}

export function parseSecret(value: unknown, field = 'secret'): string {
  return text(value, field, 1024);
}

/** The service-account JSON: client_email and a PEM private_key that parses; 400 names the field otherwise. */
export function parseServiceAccount(value: unknown, field: string): ServiceAccountJson {
  if (!isObject(value)) throw badRequest(field, `${field} must be the service-account JSON object`);
  const clientEmail = text(value.client_email, `${field}.client_email`, 320);
  const privateKey = text(value.private_key, `${field}.private_key`, 16_384);
  try {
    createPrivateKey(privateKey);
  } catch {
    throw badRequest(`${field}.private_key`, `${field}.private_key must be a PEM private key`);
  }
  const projectId = value.project_id === undefined ? undefined : text(value.project_id, `${field}.project_id`, 200);
  return { ...value, client_email: clientEmail, private_key: privateKey, project_id: projectId };
}

/** `{name?, secrets: [..], fcm: {projectId?, serviceAccount?}, ios?: {title, body}}`. */
export function parseConfigurationBody(body: unknown): ConfigurationBody {
  if (!isObject(body)) throw badRequest('body', 'the request body must be a JSON object');
  onlyFields(body, ['name', 'secrets', 'fcm', 'ios'], '');
  const name = body.name === undefined ? undefined : text(body.name, 'name', 200);
  if (!Array.isArray(body.secrets) || body.secrets.length === 0) throw badRequest('secrets', 'secrets must be a non-empty array of strings');
  if (body.secrets.length > 10) throw badRequest('secrets', 'secrets may hold at most 10 secrets');
  const secrets = body.secrets.map((s, i) => parseSecret(s, `secrets.${i}`));
  const fcmValue = body.fcm ?? {};
  if (!isObject(fcmValue)) throw badRequest('fcm', 'fcm must be an object {projectId?, serviceAccount?}');
  onlyFields(fcmValue, ['projectId', 'serviceAccount'], 'fcm');
  const fcm: ConfigurationBody['fcm'] = {
    projectId: fcmValue.projectId === undefined ? undefined : text(fcmValue.projectId, 'fcm.projectId', 200),
    serviceAccount: fcmValue.serviceAccount === undefined ? undefined : parseServiceAccount(fcmValue.serviceAccount, 'fcm.serviceAccount'),
  };
  let ios: ConfigurationBody['ios'];
  if (body.ios !== undefined) {
    if (!isObject(body.ios)) throw badRequest('ios', 'ios must be an object {title, body}');
    onlyFields(body.ios, ['title', 'body'], 'ios');
    ios = { title: text(body.ios.title, 'ios.title', 200), body: text(body.ios.body, 'ios.body', 1000) };
  }
  return { name, secrets, fcm, ios };
}
