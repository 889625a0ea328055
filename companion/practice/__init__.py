"""The practice marketplace: a local HTTP server that speaks Shopee, TikTok Shop and Lazada for demos and tests."""
