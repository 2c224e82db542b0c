package spec

import (
	"os"
	"path/filepath"
	"strings"
)

// maxLinkHops bounds symlink resolution, as the kernel's ELOOP does.
const maxLinkHops = 40

// linkChain returns every path whose change can change what path resolves to:
// path itself, each symlink met while resolving it (also symlinks in its
// directories, such as Kubernetes' "..data"), and the real file at the end.
// path must be absolute. Missing components end the chain early.
func linkChain(path string) []string {
	p := filepath.Clean(path)
	chain := []string{p}
	for range maxLinkHops {
		link, target, rest, ok := firstLink(p)
		if !ok {
			break
		}
		chain = append(chain, link)
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(link), target)
		}
		p = filepath.Join(target, rest)
	}
	chain = append(chain, p)
	out := chain[:0]
	seen := map[string]bool{}
	for _, c := range chain {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// firstLink finds the first component of the absolute path p that is a
// symlink: it returns that link, its target and the components after it.
func firstLink(p string) (link, target, rest string, ok bool) {
	sep := string(filepath.Separator)
	vol := filepath.VolumeName(p)
	parts := strings.Split(strings.TrimPrefix(p[len(vol):], sep), sep)
	cur := vol + sep
	for i, part := range parts {
		if part == "" {
			continue
		}
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if err != nil {
			return "", "", "", false
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			t, err := os.Readlink(cur)
			if err != nil {
				return "", "", "", false
			}
			return cur, t, filepath.Join(parts[i+1:]...), true
		}
	}
	return "", "", "", false
}
