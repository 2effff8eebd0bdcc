"""Datasets: readers for files the user already has (nothing downloads)."""

from .images import load_cifar10, load_mnist

__all__ = ["load_cifar10", "load_mnist"]
