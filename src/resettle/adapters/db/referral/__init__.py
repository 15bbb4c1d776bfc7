"""The referral stage on the database: the host_referrals table and its store."""
