package serve

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/google/renameio/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// WriteKeyring writes the public test key (KeyBinary) to path, atomically.
// An existing file is replaced only when it already holds the key (what
// sysdojo wrote there before; then nothing changes) or when force is set:
// a file sysdojo did not write is never overwritten by mistake. A symbolic
// link at path is replaced, never written through.
func WriteKeyring(path string, force bool) error {
	key, err := KeyBinary()
	if err != nil {
		return err
	}
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.IsDir():
		return i18n.Invalid(i18n.T("%s is a directory; give a file name for the keyring", "%s는 디렉터리입니다. 키링 파일 이름을 주세요").F(path))
	case err == nil:
		if fi.Mode().IsRegular() && fi.Size() == int64(len(key)) && holds(path, key) {
			return nil
		}
		if !force {
			return i18n.Invalid(i18n.T("%s already exists and is not sysdojo's test key; it was not overwritten",
				"%s가 이미 있고 sysdojo 테스트 키가 아니어서 덮어쓰지 않았습니다").F(path)).
				WithHint(i18n.T("give another file, or add --force to replace it", "다른 파일 이름을 주거나, 바꾸려면 --force를 붙이세요"))
		}
	case !errors.Is(err, fs.ErrNotExist):
		return i18n.Failed(i18n.T("cannot write the keyring", "키링을 쓸 수 없습니다"), err)
	}
	if err := renameio.WriteFile(path, key, 0o644); err != nil {
		return i18n.Failed(i18n.T("cannot write the keyring", "키링을 쓸 수 없습니다"), err)
	}
	return nil
}

// holds reports whether the regular file at path has exactly want in it.
func holds(path string, want []byte) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return false
	}
	got, err := io.ReadAll(io.LimitReader(f, int64(len(want))+1))
	return err == nil && bytes.Equal(got, want)
}
