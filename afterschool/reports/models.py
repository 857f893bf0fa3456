"""Report jobs, filing packages and surveys arrive here (label ``reports``), each with its migration."""
