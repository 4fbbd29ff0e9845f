import assert from 'node:assert/strict';
import { parseDatabaseUrl } from '../server/store/database';
import { isRetryableConflict } from '../server/store/batching';
import { redactDatabaseUrl } from '../server/config';

describe('database URLs', () => {
  it('reads one MySQL host as before', () => {
    const { mysql } = parseDatabaseUrl('mysql://tp:s%40cret@db.example:3307/taskplane');
    assert.deepEqual(mysql, { host: 'db.example', port: 3307, hosts: [{ host: 'db.example', port: 3307 }], user: 'tp', password: 's@cret', database: 'taskplane' });
    assert.equal(parseDatabaseUrl('mysql://db/x').mysql!.port, 3306);
    assert.equal(parseDatabaseUrl('mysql://db/x').mysql!.user, 'root');
  });

  it('reads the hosts of a cluster, in order, each with its port or 3306', () => {
    const { mysql } = parseDatabaseUrl('mysql://tp:pw@db1:3306,db2:3307,db3,[::1]:3309/taskplane');
    assert.deepEqual(mysql!.hosts, [
      { host: 'db1', port: 3306 },
      { host: 'db2', port: 3307 },
      { host: 'db3', port: 3306 },
      { host: '::1', port: 3309 },
    ]);
    assert.equal(mysql!.database, 'taskplane');
    assert.equal(mysql!.password, 'pw');
  });

  it('refuses a bad host in the list or a missing database, naming the field', () => {
    assert.throws(() => parseDatabaseUrl('mysql://root@db1,db 2/taskplane'), /database_url.*db 2/);
    assert.throws(() => parseDatabaseUrl('mysql://root@db1,db2:99999/taskplane'), /database_url/);
    assert.throws(() => parseDatabaseUrl('mysql://root@db1,db2/'), /database name/);
  });

  it('reads a local server\'s Unix socket, and refuses unknown parameters or a socket with several hosts', () => {
    const { mysql } = parseDatabaseUrl('mysql://root@localhost/taskplane?socket=%2Frun%2Fmysqld%2Fmysqld.sock');
    assert.equal(mysql!.socketPath, '/run/mysqld/mysqld.sock');
    assert.equal(parseDatabaseUrl('mysql://root@localhost/taskplane').mysql!.socketPath, undefined);
    assert.throws(() => parseDatabaseUrl('mysql://root@localhost/taskplane?sockett=/x'), /database_url.*unknown parameter "sockett"/);
    assert.throws(() => parseDatabaseUrl('mysql://root@localhost/taskplane?socket='), /database_url.*socket= needs the path/);
    assert.throws(() => parseDatabaseUrl('mysql://root@db1,db2/taskplane?socket=/x'), /database_url.*several hosts/);
  });

  it('redacts the password of a cluster URL', () => {
    assert.equal(redactDatabaseUrl('mysql://tp:secret@db1,db2/taskplane'), 'mysql://tp:***@db1,db2/taskplane');
  });
});

describe('transactions retried from the start', () => {
  it('include deadlocks, certification conflicts and a node not ready or no longer primary, and nothing else', () => {
    assert.equal(isRetryableConflict({ code: 'ER_LOCK_DEADLOCK', errno: 1213, message: 'WSREP detected deadlock/conflict and aborted the transaction. Try restarting the transaction' }), true);
    assert.equal(isRetryableConflict({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 }), true);
    assert.equal(isRetryableConflict({ code: 'ER_UNKNOWN_COM_ERROR', errno: 1047, message: 'WSREP has not yet prepared node for application use' }), true);
    assert.equal(isRetryableConflict({ code: 'ER_OPTION_PREVENTS_STATEMENT', errno: 1290 }), true);
    assert.equal(isRetryableConflict({ code: 'ER_DUP_ENTRY', errno: 1062 }), false);
    assert.equal(isRetryableConflict({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }), false);
  });
});
