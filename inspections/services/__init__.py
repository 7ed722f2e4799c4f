"""Every write of the supervision side, one module per area (inspections, visits, clues and
referrals, complaints). Pages, the API, the admin and tasks all call these."""
