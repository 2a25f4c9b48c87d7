"""motcua: the one-stop administrative procedure platform."""

import warnings

# cryptography 51 deprecates DSA and warns when pyHanko 0.38 imports its key types; motcua signs with
# RSA and ECDSA only, and every command and server start would print it
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")
