# Sourced by the fetch scripts: an isolated apt configuration that can only
# download, for a suite that is NOT in the system's apt sources. The system's
# sources, lists and package state are never touched.
#
#   apt_iso_init DIR LISTS TYPE SUITE [ARCH]   state in DIR, package index in LISTS,
#                                              TYPE deb or deb-src
#   apt_iso ARGS...                            apt-get with that configuration
#   apt_iso_update [MINUTES]                   refresh the index once, or again
#                                              when older than MINUTES

apt_iso_init() {
	_ai_dir=$1 _ai_lists=$2 _ai_arch=${5:-}
	mkdir -p "$_ai_dir/parts" "$_ai_lists/partial" "$_ai_dir/cache/archives/partial"
	cat > "$_ai_dir/parts/x.sources" <<SRC
Types: $3
URIs: http://deb.debian.org/debian
Suites: $4
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}

apt_iso() {
	apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$_ai_dir/parts" \
		-o Dir::State::Lists="$_ai_lists" -o Dir::Cache="$_ai_dir/cache" \
		-o Dir::State::Status=/dev/null -o APT::Sandbox::User=root \
		${_ai_arch:+-o APT::Architectures::=$_ai_arch} "$@"
}

apt_iso_update() {
	_ai_stamp=$_ai_lists/.stamp
	if [ ! -f "$_ai_stamp" ] ||
		{ [ -n "${1:-}" ] && [ -n "$(find "$_ai_stamp" -mmin +"$1" 2>/dev/null)" ]; }; then
		apt_iso update >&2
		touch "$_ai_stamp"
	fi
}
