import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BackendStoreUriError, redactUri } from './backend-store-uri-error.js';
import { createDialect } from './create-dialect.js';

describe('createDialect', () => {
  it('chooses the dialect by scheme and says where the database is, without secrets', () => {
    expect(createDialect('sqlite:///./data/loupe.db')).toMatchObject({ name: 'sqlite', location: path.resolve('data/loupe.db') });
    expect(createDialect('sqlite:////srv/loupe.db')).toMatchObject({ name: 'sqlite', location: '/srv/loupe.db' });
    expect(createDialect('sqlite://')).toMatchObject({ name: 'sqlite', location: ':memory:' });
    expect(createDialect('postgresql://loupe:s3cret@db.internal/loupe')).toMatchObject({ name: 'postgresql', location: 'db.internal:5432/loupe' });
    expect(createDialect('postgresql+psycopg2://u@h:6543/x')).toMatchObject({ name: 'postgresql', location: 'h:6543/x' });
    expect(createDialect('postgres:///x?host=/var/run/postgresql')).toMatchObject({ name: 'postgresql', location: '/var/run/postgresql:5432/x' });
  });

  it.each([
    ['foo://bar', "the backend store URI 'foo://bar' has the scheme 'foo', which Loupe does not store in: use sqlite:///relative/path.db"],
    ['./mlruns', "the backend store URI './mlruns' has no scheme"],
    ['mysql://root:pw@db/mlflow', "the backend store URI 'mysql://root:***@db/mlflow' has the scheme 'mysql'"],
    ['sqlite:loupe.db', "the SQLite URI 'sqlite:loupe.db' is malformed: use sqlite:///relative/path.db or sqlite:////absolute/path.db"],
    ['postgresql://', "the PostgreSQL URI 'postgresql://' names no host and no database: use postgresql://user:password@host:5432/database"],
    ['postgresql://u@db', "the PostgreSQL URI 'postgresql://u@db' names no database"],
    ['postgresql://u:p@ss@:port/db', "the PostgreSQL URI 'postgresql://u:***@:port/db' does not parse"],
  ])('refuses %s before opening anything, naming it', (uri, message) => {
    let caught: unknown;
    try {
      createDialect(uri);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BackendStoreUriError);
    expect((caught as Error).message).toContain(message);
  });
});

describe('redactUri', () => {
  it('hides the password only', () => {
    expect(redactUri('postgresql://loupe:s3cret@db:5432/loupe')).toBe('postgresql://loupe:***@db:5432/loupe');
    expect(redactUri('postgresql://loupe@db/loupe')).toBe('postgresql://loupe@db/loupe');
    expect(redactUri('postgresql://loupe:p@ss@db/loupe')).toBe('postgresql://loupe:***@db/loupe');
  });
});
