// Package backup provides what Comptoir's backups are made of, below the
// use cases: the archive (a tar stream compressed with zstd and encrypted
// with age to the operator's public keys, its manifest last), the
// destinations an archive is kept in (a local directory, S3-compatible
// object storage, SFTP), each upload atomic and retried, the plaintext
// descriptor that lists a backup without its key, and the rotation of
// daily, weekly and monthly backups.
//
// A backup named ID is three objects in a destination:
//
//	comptoir-ID.tar.zst.age   the encrypted archive
//	comptoir-ID.json          its descriptor, written last: a backup without
//	                          one is incomplete and never listed as a backup
//	comptoir-ID.verified.json written when a restore from this copy was
//	                          verified
//
// The package knows nothing of the database: service takes the snapshot
// and hands this package files to archive.
package backup
