'use strict';
// jiwon's errors as JavaScript errors, with the google.rpc.Status details
// (reason code, field violations in English and Korean) decoded.

const path = require('path');
const fs = require('fs');
const protobuf = require('protobufjs');

const DOMAIN = 'jiwon.v1';
const DETAILS_KEY = 'grpc-status-details-bin';
// A call refused before it reached jiwon (gRPC's auth hook sends no
// trailers) names its reason in brackets at the start of the message.
const LEADING_REASON = /^\[([A-Z][A-Z0-9_]*)\] /;

function protoDir() {
  for (const dir of [path.join(__dirname, 'proto'), path.join(__dirname, '..', '..', 'proto')]) {
    if (fs.existsSync(path.join(dir, 'jiwon', 'v1', 'company.proto'))) return dir;
  }
  throw new Error('jiwon-client: the jiwon protos are neither in ./proto nor in ../../proto');
}

let rpcTypes = null;
function types() {
  if (rpcTypes === null) {
    const root = new protobuf.Root();
    root.resolvePath = (origin, target) => {
      const local = path.join(protoDir(), target);
      if (fs.existsSync(local)) return local;
      return protobuf.util.path.resolve(origin, target);
    };
    root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
    rpcTypes = {
      Status: root.lookupType('google.rpc.Status'),
      ErrorInfo: root.lookupType('google.rpc.ErrorInfo'),
      BadRequest: root.lookupType('google.rpc.BadRequest'),
      LocalizedMessage: root.lookupType('google.rpc.LocalizedMessage'),
    };
  }
  return rpcTypes;
}

// The name of a gRPC status code (grpc.status is name -> number).
function codeName(code) {
  const grpc = require('@grpc/grpc-js');
  for (const [name, value] of Object.entries(grpc.status)) {
    if (value === code) return name;
  }
  return String(code);
}

class JiwonError extends Error {
  // code: the gRPC status number; codeName: its name; reason: the stable
  // reason code; violations: [{field, description, reason, korean}].
  constructor({ code, message, reason = '', violations = [], metadata = {}, korean = '' }) {
    super(`${codeName(code)}: ${message}`);
    this.name = 'JiwonError';
    this.code = code;
    this.codeName = codeName(code);
    this.details = message;
    this.reason = reason;
    this.violations = violations;
    this.metadata = metadata;
    this.korean = korean;
  }

  violation(field) {
    return this.violations.find((v) => v.field === field) || null;
  }

  // From the error a grpc-js call failed with.
  static fromServiceError(err) {
    const raw = err.metadata ? err.metadata.get(DETAILS_KEY)[0] : undefined;
    return JiwonError.fromStatusBytes(err.code, err.details || '', raw);
  }

  static fromStatusBytes(code, message, raw) {
    let reason = '';
    let metadata = {};
    let korean = '';
    const violations = [];
    if (raw && raw.length > 0) {
      const t = types();
      const status = t.Status.decode(raw);
      for (const any of status.details || []) {
        const type = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
        if (type === 'google.rpc.ErrorInfo') {
          const info = t.ErrorInfo.decode(any.value);
          if (info.domain === DOMAIN) {
            reason = info.reason;
            metadata = { ...info.metadata };
          }
        } else if (type === 'google.rpc.BadRequest') {
          for (const v of t.BadRequest.decode(any.value).field_violations || []) {
            violations.push({
              field: v.field,
              description: v.description,
              reason: v.reason,
              korean: v.localized_message ? v.localized_message.message : '',
            });
          }
        } else if (type === 'google.rpc.LocalizedMessage') {
          korean = t.LocalizedMessage.decode(any.value).message;
        }
      }
    }
    if (!reason) {
      const m = LEADING_REASON.exec(message);
      if (m) reason = m[1];
    }
    return new JiwonError({ code, message, reason, violations, metadata, korean });
  }
}

module.exports = { DOMAIN, JiwonError, protoDir };
