import assert from 'node:assert/strict';
import { parseAptPlan, parseDnfTransaction, parseDpkgRun } from '../agent/plugins/packages';

/** What the package managers print, as they print it (LC_ALL=C), and what the agent reads as changed. */
describe('reading what the package manager changed', () => {
  it('apt-get -s: Inst and Remv lines, with versions; Conf lines and already-installed packages are no change', () => {
    const output = [
      'Reading package lists...',
      'vim is already the newest version (2:9.0.1378-2+deb12u2).',
      'The following NEW packages will be installed:',
      '  libpcre3 zsh zsh-common',
      'Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])',
      'Inst zsh-common (5.9-4 Debian:12.15/oldstable [all])',
      'Inst zsh (5.9-4+b15 Debian:12.15/oldstable [amd64])',
      'Remv nano [7.2-1+deb12u1]',
      'Conf zsh (5.9-4+b15 Debian:12.15/oldstable [amd64])',
    ].join('\n');
    assert.deepEqual(parseAptPlan(output), [
      { package: 'bash', action: 'upgrade', from: '5.2.15-2+b8', to: '5.2.15-2+b13' },
      { package: 'zsh-common', action: 'install', to: '5.9-4' },
      { package: 'zsh', action: 'install', to: '5.9-4+b15' },
      { package: 'nano', action: 'remove', from: '7.2-1+deb12u1' },
    ]);
  });

  it("a real apt-get run: dpkg's Unpacking (over) and Removing lines, architecture dropped", () => {
    const output = [
      'Selecting previously unselected package zsh-common.',
      'Preparing to unpack .../zsh-common_5.9-4_all.deb ...',
      'Unpacking zsh-common (5.9-4) ...',
      'Preparing to unpack .../bash_5.2.15-2+b13_amd64.deb ...',
      'Unpacking bash (5.2.15-2+b13) over (5.2.15-2+b8) ...',
      'Unpacking libc6:amd64 (2.36-9+deb12u9) over (2.36-9+deb12u8) ...',
      'Removing nano (7.2-1+deb12u1) ...',
      'Setting up zsh-common (5.9-4) ...',
    ].join('\n');
    assert.deepEqual(parseDpkgRun(output), [
      { package: 'zsh-common', action: 'install', to: '5.9-4' },
      { package: 'bash', action: 'upgrade', from: '5.2.15-2+b8', to: '5.2.15-2+b13' },
      { package: 'libc6', action: 'upgrade', from: '2.36-9+deb12u8', to: '2.36-9+deb12u9' },
      { package: 'nano', action: 'remove', from: '7.2-1+deb12u1' },
    ]);
    assert.deepEqual(parseDpkgRun('Reading package lists...\nvim is already the newest version.\n0 upgraded, 0 newly installed.'), []);
  });

  it("dnf's transaction table: sections, dependencies, a wrapped long name, the summary ignored", () => {
    const output = [
      'Dependencies resolved.',
      '================================================================================',
      ' Package                 Architecture  Version              Repository     Size',
      '================================================================================',
      'Installing:',
      ' zsh                     x86_64        5.8-9.el9            baseos        3.0 M',
      'Upgrading:',
      ' bash                    x86_64        5.1.8-9.el9          baseos        1.7 M',
      'Installing dependencies:',
      ' python3-a-very-long-package-name-indeed',
      '                         noarch        1.2-3.el9            appstream      12 k',
      'Removing:',
      ' nano                    x86_64        5.6.1-5.el9          @baseos       2.7 M',
      '',
      'Transaction Summary',
      '================================================================================',
      'Install  2 Packages',
      'Operation aborted.',
    ].join('\n');
    assert.deepEqual(parseDnfTransaction(output), [
      { package: 'zsh', action: 'install', to: '5.8-9.el9' },
      { package: 'bash', action: 'upgrade', to: '5.1.8-9.el9' },
      { package: 'python3-a-very-long-package-name-indeed', action: 'install', to: '1.2-3.el9' },
      { package: 'nano', action: 'remove', from: '5.6.1-5.el9' },
    ]);
    assert.deepEqual(parseDnfTransaction('Package vim-enhanced-2:8.2.2637-20.el9_1.x86_64 is already installed.\nDependencies resolved.\nNothing to do.\nComplete!'), []);
  });
});
