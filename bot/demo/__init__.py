"""The demo data set: xã Kẻ Sắt, Q4 2025 – Q2 2026, reproducing the Q1 2026 report exactly."""
