update stardust.skills set stacks = true where name = 'The Long Road';
