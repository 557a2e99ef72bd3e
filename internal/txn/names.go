package txn

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strings"
)

// stagedPrefix starts every name a transaction creates beside a
// destination: ".pakt-<txid>-<hash>" for a staged new version and
// ".pakt-<txid>-<hash>-old" for the old one kept until cleanup. The leading
// dot hides them from readers that skip dot files; fsroot.RemoveStale
// recognises them too.
const stagedPrefix = ".pakt-"

const backupSuffix = "-old"

// nameHash tells apart the destinations of one directory.
func nameHash(dest string) string {
	h := sha256.Sum256([]byte(dest))
	return hex.EncodeToString(h[:8])
}

func stagedName(txid, dest string) string {
	return path.Join(path.Dir(dest), stagedPrefix+txid+"-"+nameHash(dest))
}

func backupName(txid, dest string) string {
	return stagedName(txid, dest) + backupSuffix
}

// isOurs says whether a directory entry is a staged or backup name of
// transaction txid ("" matches any transaction), and whether it is a
// backup.
func isOurs(base, txid string) (ours, backup bool) {
	rest, ok := strings.CutPrefix(base, stagedPrefix)
	if !ok {
		return false, false
	}
	id, hash, ok := strings.Cut(rest, "-")
	if !ok || !validTxID(id) || (txid != "" && id != txid) {
		return false, false
	}
	hash, backup = strings.CutSuffix(hash, backupSuffix)
	if len(hash) != 16 {
		return false, false
	}
	for _, c := range hash {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false, false
		}
	}
	return true, backup
}
