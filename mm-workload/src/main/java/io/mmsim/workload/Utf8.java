package io.mmsim.workload;

/**
 * Checks that bytes are UTF-8 text (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF) without decoding them. A NUL byte is refused too: it is valid UTF-8 but no text file
 * holds one, while UTF-16 text and binary files are full of them.
 */
final class Utf8 {
  private Utf8() {}

  /** True when {@code b[from, to)} is UTF-8 text without NUL bytes. */
  static boolean isText(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      int c = b[i];
      if (c > 0) {
        i++;
        continue;
      }
      if (c == 0) {
        return false;
      }
      c &= 0xff;
      int need;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        min = 0x10000;
      } else {
        return false; // a continuation byte first, an overlong 0xc0/0xc1 lead, or 0xf5..0xff
      }
      if (to - i <= need) {
        return false;
      }
      int cp = c & (0x3f >> need);
      for (int k = 1; k <= need; k++) {
        int d = b[i + k] & 0xff;
        if ((d & 0xc0) != 0x80) {
          return false;
        }
        cp = cp << 6 | (d & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return false;
      }
      i += need + 1;
    }
    return true;
  }
}
