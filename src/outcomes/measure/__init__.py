"""Measurement: reads the warehouse and the plan; heavy work runs in the engine through Ibis."""
