package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"
)

// This file makes just enough OpenPGP (RFC 4880, with the legacy EdDSA key
// type 22 that gpgv and apt accept) to sign a mirror's Release files: one
// Ed25519 key with a user ID, binary and cleartext signatures, ASCII armor.
// The real gpgv, run by the real apt-get in the tests, is the oracle.

// pgpKey is the mirror's signing key. It is derived from a fixed seed: it
// is public on purpose and proves nothing outside a class.
type pgpKey struct {
	priv    ed25519.PrivateKey
	created time.Time
	uid     string
	body    []byte // the public-key packet body
	fpr     []byte // v4 fingerprint
}

var ed25519OID = []byte{0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01}

func newPGPKey() *pgpKey {
	seed := sha256.Sum256([]byte("sysdojo apt serve: a class mirror's public test key"))
	k := &pgpKey{
		priv:    ed25519.NewKeyFromSeed(seed[:]),
		created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		uid:     "sysdojo class mirror (test key, not secret) <apt-serve@sysdojo.invalid>",
	}
	pub := k.priv.Public().(ed25519.PublicKey)
	var b bytes.Buffer
	b.WriteByte(4)
	b.Write(be32(uint32(k.created.Unix())))
	b.WriteByte(22) // EdDSA (legacy)
	b.WriteByte(byte(len(ed25519OID)))
	b.Write(ed25519OID)
	b.Write(mpi(append([]byte{0x40}, pub...)))
	k.body = b.Bytes()
	h := sha1.New()
	h.Write([]byte{0x99})
	h.Write(be16(uint16(len(k.body))))
	h.Write(k.body)
	k.fpr = h.Sum(nil)
	return k
}

// publicKey is the transferable public key: key, user ID, self-signature.
func (k *pgpKey) publicKey() []byte {
	var cert bytes.Buffer
	cert.Write([]byte{0x99})
	cert.Write(be16(uint16(len(k.body))))
	cert.Write(k.body)
	cert.Write([]byte{0xB4})
	cert.Write(be32(uint32(len(k.uid))))
	cert.WriteString(k.uid)
	var out bytes.Buffer
	out.Write(packet(6, k.body))
	out.Write(packet(13, []byte(k.uid)))
	// Key flags: certify and sign.
	out.Write(packet(2, k.signature(0x13, cert.Bytes(), subpacket(27, []byte{0x03}))))
	return out.Bytes()
}

// signature returns a v4 signature packet body of sigType over data.
func (k *pgpKey) signature(sigType byte, data []byte, extra ...[]byte) []byte {
	var sub bytes.Buffer
	sub.Write(subpacket(2, be32(uint32(k.created.Unix()))))
	sub.Write(subpacket(33, append([]byte{4}, k.fpr...)))
	for _, e := range extra {
		sub.Write(e)
	}
	var hashed bytes.Buffer
	hashed.Write([]byte{4, sigType, 22, 8}) // v4, type, EdDSA, SHA-256
	hashed.Write(be16(uint16(sub.Len())))
	hashed.Write(sub.Bytes())
	h := sha256.New()
	h.Write(data)
	h.Write(hashed.Bytes())
	h.Write([]byte{4, 0xFF})
	h.Write(be32(uint32(hashed.Len())))
	digest := h.Sum(nil)
	sig := ed25519.Sign(k.priv, digest)
	var b bytes.Buffer
	b.Write(hashed.Bytes())
	unhashed := subpacket(16, k.fpr[12:]) // issuer key ID
	b.Write(be16(uint16(len(unhashed))))
	b.Write(unhashed)
	b.Write(digest[:2])
	b.Write(mpi(sig[:32]))
	b.Write(mpi(sig[32:]))
	return b.Bytes()
}

// detachSign returns an armored binary signature of data (Release.gpg).
func (k *pgpKey) detachSign(data []byte) []byte {
	return armor("PGP SIGNATURE", packet(2, k.signature(0x00, data)))
}

// clearSign returns text as a cleartext-signed message (InRelease).
func (k *pgpKey) clearSign(text []byte) []byte {
	body := strings.TrimSuffix(string(text), "\n")
	lines := strings.Split(body, "\n")
	canon := make([]string, len(lines))
	var b strings.Builder
	b.WriteString("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n")
	for i, l := range lines {
		canon[i] = strings.TrimRight(l, " \t\r")
		if strings.HasPrefix(l, "-") {
			b.WriteString("- ")
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	sig := packet(2, k.signature(0x01, []byte(strings.Join(canon, "\r\n"))))
	b.Write(armor("PGP SIGNATURE", sig))
	return []byte(b.String())
}

// packet frames body as a new-format packet with tag.
func packet(tag byte, body []byte) []byte {
	out := []byte{0xC0 | tag}
	switch n := len(body); {
	case n < 192:
		out = append(out, byte(n))
	case n < 8384:
		n -= 192
		out = append(out, byte(n>>8)+192, byte(n))
	default:
		out = append(out, 0xFF)
		out = append(out, be32(uint32(n))...)
	}
	return append(out, body...)
}

func subpacket(typ byte, data []byte) []byte {
	return append([]byte{byte(len(data) + 1), typ}, data...)
}

// mpi encodes b as a multiprecision integer: a bit count, then the bytes
// without leading zeros.
func mpi(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	bits := 0
	if len(b) > 0 {
		bits = (len(b)-1)*8 + bitLen(b[0])
	}
	return append(be16(uint16(bits)), b...)
}

func bitLen(x byte) int {
	n := 0
	for ; x != 0; x >>= 1 {
		n++
	}
	return n
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// armor wraps data in ASCII armor with its CRC-24 checksum.
func armor(kind string, data []byte) []byte {
	var b strings.Builder
	b.WriteString("-----BEGIN " + kind + "-----\n\n")
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 64 {
		b.WriteString(enc[:64] + "\n")
		enc = enc[64:]
	}
	b.WriteString(enc + "\n")
	crc := crc24(data)
	b.WriteString("=" + base64.StdEncoding.EncodeToString([]byte{byte(crc >> 16), byte(crc >> 8), byte(crc)}) + "\n")
	b.WriteString("-----END " + kind + "-----\n")
	return []byte(b.String())
}

func crc24(data []byte) uint32 {
	crc := uint32(0xB704CE)
	for _, c := range data {
		crc ^= uint32(c) << 16
		for i := 0; i < 8; i++ {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= 0x1864CFB
			}
		}
	}
	return crc & 0xFFFFFF
}
