"""Digital signatures on motcua's PDFs (issue 10): PAdES signing with pyHanko behind one ``Signer``
interface (software key, PKCS#11 token, remote hash signing), validation, and a test PKI."""
