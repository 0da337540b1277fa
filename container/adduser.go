package container

// adduserScript stands in for busybox's adduser and addgroup applets, which
// Debian's busybox-static leaves out: the same options, the same files
// (/etc/passwd, /etc/group, a home directory), so `adduser -D alice` and
// `su alice` work inside a container as a student expects.
const adduserScript = `#!/bin/sh
# adduser/addgroup for a rootfs whose busybox lacks the applets (written by
# sysdojo container rootfs build). Options as busybox's:
#   adduser [-h DIR] [-g GECOS] [-s SHELL] [-G GROUP] [-u UID] [-D] [-H] [-S] USER
#   adduser USER GROUP          add an existing user to an existing group
#   addgroup [-g GID] [-S] GROUP
#   addgroup USER GROUP         the same as adduser USER GROUP
set -e
die() { echo "$(basename "$0"): $*" >&2; exit 1; }
freeid() { # the first id from $1 that neither passwd nor group uses
	i=$1
	while cut -d: -f3 /etc/passwd /etc/group | grep -qx "$i"; do i=$((i + 1)); done
	echo "$i"
}
join() { # add user $1 to group $2
	grep -q "^$2:" /etc/group || die "unknown group $2"
	grep -q "^$1:" /etc/passwd || die "unknown user $1"
	awk -F: -v g="$2" -v u="$1" 'BEGIN { OFS = ":" } $1 == g { $4 = ($4 == "" ? u : $4 "," u) } { print }' \
		/etc/group > /etc/group.new && mv /etc/group.new /etc/group
}
if [ "$(basename "$0")" = addgroup ]; then
	gid= start=1000
	while getopts g:S o; do
		case $o in g) gid=$OPTARG ;; S) start=100 ;; *) die "usage: addgroup [-g GID] [-S] GROUP | addgroup USER GROUP" ;; esac
	done
	shift $((OPTIND - 1))
	[ -n "$1" ] || die "usage: addgroup [-g GID] [-S] GROUP | addgroup USER GROUP"
	if [ -n "$2" ]; then join "$1" "$2"; exit 0; fi
	grep -q "^$1:" /etc/group && die "group '$1' in use"
	[ -n "$gid" ] || gid=$(freeid "$start")
	echo "$1:x:$gid:" >> /etc/group
	exit 0
fi
home= gecos= shell=/bin/sh group= uid= nopass= nohome= start=1000
while getopts h:g:s:G:u:DHS o; do
	case $o in
	h) home=$OPTARG ;; g) gecos=$OPTARG ;; s) shell=$OPTARG ;; G) group=$OPTARG ;; u) uid=$OPTARG ;;
	D) nopass=1 ;; H) nohome=1 ;; S) start=100 nopass=1 shell=/bin/false ;;
	*) die "usage: adduser [-h DIR] [-g GECOS] [-s SHELL] [-G GROUP] [-u UID] [-D] [-H] [-S] USER" ;;
	esac
done
shift $((OPTIND - 1))
user=$1
[ -n "$user" ] || die "usage: adduser [-h DIR] [-g GECOS] [-s SHELL] [-G GROUP] [-u UID] [-D] [-H] [-S] USER"
if [ -n "$2" ]; then join "$user" "$2"; exit 0; fi
grep -q "^$user:" /etc/passwd && die "user '$user' in use"
[ -n "$uid" ] || uid=$(freeid "$start")
if [ -n "$group" ]; then
	gid=$(grep "^$group:" /etc/group | cut -d: -f3)
	[ -n "$gid" ] || die "unknown group $group"
else
	grep -q "^$user:" /etc/group && die "group '$user' in use"
	gid=$uid
	echo "$user:x:$gid:" >> /etc/group
fi
[ -n "$home" ] || home=/home/$user
echo "$user:x:$uid:$gid:$gecos:$home:$shell" >> /etc/passwd
if [ -z "$nohome" ]; then
	mkdir -p "$home"
	chown "$uid:$gid" "$home"
	chmod 755 "$home"
fi
[ -n "$nopass" ] || passwd "$user"
`
