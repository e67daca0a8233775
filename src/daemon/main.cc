// main.cc - bounced: placeholder entry until the daemon lands (issue 4).
#include <iostream>

int main() {
  std::cerr << "bounced: the daemon is not built yet; use `bouncectl parse`\n";
  return 69;
}
