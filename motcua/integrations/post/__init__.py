"""The public postal service (VNPost, "bưu chính công ích"): INTEGRATIONS.md section 3 (issue 11, part 5)."""
